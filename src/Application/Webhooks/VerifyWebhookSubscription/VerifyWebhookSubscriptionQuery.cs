using System.Security.Cryptography;
using System.Text;
using Mediator;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Webhooks.VerifyWebhookSubscription;

/// <summary>Meta's handshake when the webhook is saved: the challenge comes back only for the right verify token.</summary>
public sealed record VerifyWebhookSubscriptionQuery(string? Mode, string? VerifyToken, string? Challenge) : IQuery<string?>;

internal sealed class VerifyWebhookSubscriptionQueryHandler(IOptions<WebhookOptions> options) : IQueryHandler<VerifyWebhookSubscriptionQuery, string?>
{
    public ValueTask<string?> Handle(VerifyWebhookSubscriptionQuery query, CancellationToken cancellationToken)
    {
        var expected = options.Value.VerifyToken;
        var accepted = !string.IsNullOrEmpty(expected)
            && query.Mode == "subscribe"
            && query.Challenge is not null
            && query.VerifyToken is not null
            && CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(query.VerifyToken)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
        return ValueTask.FromResult(accepted ? query.Challenge : null);
    }
}
