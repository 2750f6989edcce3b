using CleanAgent.Application.Media;
using CleanAgent.Application.Replies;
using CleanAgent.Application.Webhooks;

namespace CleanAgent.Infrastructure.Meta.Sandbox;

/// <summary>
/// Sandbox numbers never call Meta: the simulator keeps no files, so their media is reported as not available (the
/// agent still answers, with what it has). Every other number's calls go to the Graph API.
/// </summary>
internal sealed class RoutingMediaClient(GraphApiMediaClient graphApi, INumberDirectory directory) : IWhatsAppMediaClient
{
    private static readonly MediaFailure NotInSandbox =
        new("sandbox", "Sandbox numbers keep no files at Meta; the simulator sends none.", Retryable: false);

    public async Task<MediaLookup> LookUpAsync(SenderNumber number, string mediaId, CancellationToken cancellationToken) =>
        await IsSandboxAsync(number, cancellationToken)
            ? new MediaLookup.Failed(NotInSandbox)
            : await graphApi.LookUpAsync(number, mediaId, cancellationToken);

    public async Task<MediaFetch> FetchAsync(SenderNumber number, string url, long maxBytes, CancellationToken cancellationToken) =>
        await IsSandboxAsync(number, cancellationToken)
            ? new MediaFetch.Failed(NotInSandbox)
            : await graphApi.FetchAsync(number, url, maxBytes, cancellationToken);

    private async Task<bool> IsSandboxAsync(SenderNumber number, CancellationToken cancellationToken)
    {
        if (number.IsSandbox)
        {
            return true;
        }

        var known = await directory.FindAsync([number.PhoneNumberId], cancellationToken);
        return known.TryGetValue(number.PhoneNumberId, out var found) && found.IsSandbox;
    }
}
