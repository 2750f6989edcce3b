using CleanAgent.Application.Replies;
using CleanAgent.Application.Webhooks;

namespace CleanAgent.Infrastructure.Meta.Sandbox;

/// <summary>
/// Sends a sandbox number's calls to the simulated Graph API and every other number's to Meta. A number counts as sandbox
/// when the caller says so or when the number directory knows it as one, so a sandbox number never calls Meta.
/// </summary>
internal sealed class RoutingWhatsAppSender(IWhatsAppSender graphApi, SimulatedGraphApi simulator, INumberDirectory directory) : IWhatsAppSender
{
    public async Task<SendResult> SendTextAsync(SenderNumber number, string to, string text, string? replyToWamid, CancellationToken cancellationToken) =>
        await (await PickAsync(number, cancellationToken)).SendTextAsync(number, to, text, replyToWamid, cancellationToken);

    public async Task<SendResult> SendTemplateAsync(SenderNumber number, string to, Domain.Conversations.MessageTemplate template, CancellationToken cancellationToken) =>
        await (await PickAsync(number, cancellationToken)).SendTemplateAsync(number, to, template, cancellationToken);

    public TimeSpan UploadTimeout => graphApi.UploadTimeout;

    public async Task<MediaUploadResult> UploadMediaAsync(
        SenderNumber number, ReadOnlyMemory<byte> file, string mimeType, string fileName, CancellationToken cancellationToken) =>
        await (await PickAsync(number, cancellationToken)).UploadMediaAsync(number, file, mimeType, fileName, cancellationToken);

    public async Task<SendResult> SendMediaAsync(SenderNumber number, string to, OutboundMedia media, string? replyToWamid, CancellationToken cancellationToken) =>
        await (await PickAsync(number, cancellationToken)).SendMediaAsync(number, to, media, replyToWamid, cancellationToken);

    public async Task MarkSeenAsync(SenderNumber number, string wamid, CancellationToken cancellationToken) =>
        await (await PickAsync(number, cancellationToken)).MarkSeenAsync(number, wamid, cancellationToken);

    public async Task MarkReadAsync(SenderNumber number, string wamid, CancellationToken cancellationToken) =>
        await (await PickAsync(number, cancellationToken)).MarkReadAsync(number, wamid, cancellationToken);

    private async Task<IWhatsAppSender> PickAsync(SenderNumber number, CancellationToken cancellationToken)
    {
        if (number.IsSandbox)
        {
            return simulator;
        }

        var known = await directory.FindAsync([number.PhoneNumberId], cancellationToken);
        return known.TryGetValue(number.PhoneNumberId, out var found) && found.IsSandbox ? simulator : graphApi;
    }
}
