using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Application.Webhooks.ReceiveMetaWebhook;

/// <summary>A delivery from Meta: the raw bytes as received and the <c>X-Hub-Signature-256</c> header.</summary>
public sealed record ReceiveMetaWebhookCommand(ReadOnlyMemory<byte> Body, string? Signature) : ICommand<WebhookReceipt>;

/// <summary>What a delivery changed, for the response body and the logs.</summary>
public sealed record WebhookReceipt(int MessagesStored, int Duplicates, int StatusesApplied, int StatusesKept, bool Ignored)
{
    public static readonly WebhookReceipt NothingForUs = new(0, 0, 0, 0, Ignored: true);
}

internal sealed partial class ReceiveMetaWebhookCommandHandler(
    IWebhookPayloadReader reader,
    IWebhookSignatureVerifier verifier,
    INumberDirectory directory,
    IWebhookDeliveryQueue queue,
    IReplyScheduler scheduler,
    ILogger<ReceiveMetaWebhookCommandHandler> logger) : ICommandHandler<ReceiveMetaWebhookCommand, WebhookReceipt>
{
    public async ValueTask<WebhookReceipt> Handle(ReceiveMetaWebhookCommand command, CancellationToken cancellationToken)
    {
        var payload = reader.Read(command.Body);
        var phoneNumberIds = payload.PhoneNumberIds.ToList();
        var known = await directory.FindAsync(phoneNumberIds, cancellationToken);
        if (known.Count == 0)
        {
            if (phoneNumberIds.Count > 0)
            {
                LogUnknownNumbers(logger, string.Join(", ", phoneNumberIds));
            }
            else
            {
                LogNoNumbers(logger, string.Join(", ", payload.Changes.Select(c => c.Field).Distinct()));
            }

            return WebhookReceipt.NothingForUs;
        }

        var accepted = Verify(command, known);
        foreach (var unknown in phoneNumberIds.Where(id => !known.ContainsKey(id)))
        {
            LogUnknownNumbers(logger, unknown);
        }

        // Stored together with the deliveries that arrive meanwhile; answered once committed.
        var stored = await queue.StoreAsync(new VerifiedWebhookDelivery(payload, accepted, command.Body.Length), cancellationToken);
        foreach (var conversationId in stored.ConversationsToAnswer)
        {
            ScheduleReply(conversationId);
        }

        return stored.Receipt;
    }

    /// <summary>
    /// The messages are committed: a queue that fails now (e.g. Hangfire's connection pool is exhausted) must not turn
    /// the delivery into a 500, since Meta's redelivery would be a duplicate and schedule nothing. The sweeper finds
    /// the pending reply in the database instead.
    /// </summary>
    private void ScheduleReply(Guid conversationId)
    {
        try
        {
            scheduler.ScheduleReply(conversationId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogScheduleFailed(logger, conversationId, ex);
        }
    }

    private Dictionary<string, KnownNumber> Verify(ReceiveMetaWebhookCommand command, IReadOnlyDictionary<string, KnownNumber> known)
    {
        // One delivery carries the numbers of one Meta app; each distinct secret is checked once.
        var verdicts = new Dictionary<string, bool>(StringComparer.Ordinal);
        var accepted = new Dictionary<string, KnownNumber>(StringComparer.Ordinal);
        foreach (var number in known.Values)
        {
            if (number.AppSecret is null)
            {
                continue;
            }

            if (!verdicts.TryGetValue(number.AppSecret, out var valid))
            {
                valid = verifier.IsValid(command.Body.Span, command.Signature, number.AppSecret);
                verdicts[number.AppSecret] = valid;
            }

            if (valid)
            {
                accepted[number.PhoneNumberId] = number;
            }
            else
            {
                LogSignatureMismatch(logger, number.PhoneNumberId);
            }
        }

        if (accepted.Count == 0)
        {
            throw new UnauthorizedException(command.Signature is null
                ? "The X-Hub-Signature-256 header is missing."
                : "The X-Hub-Signature-256 header does not match the body signed with the number's App Secret.");
        }

        return accepted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not schedule the reply of conversation {ConversationId}; the pending-reply sweeper schedules it shortly")]
    private static partial void LogScheduleFailed(ILogger logger, Guid conversationId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook for unregistered phone_number_id(s) {PhoneNumberIds} acknowledged and dropped; add the number to CleanAgent to receive its messages")]
    private static partial void LogUnknownNumbers(ILogger logger, string phoneNumberIds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook with no phone number (fields {Fields}) acknowledged and dropped")]
    private static partial void LogNoNumbers(ILogger logger, string fields);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook signature does not match the App Secret of phone_number_id {PhoneNumberId}")]
    private static partial void LogSignatureMismatch(ILogger logger, string phoneNumberId);
}
