using CleanAgent.Application.Media;
using CleanAgent.Domain.Conversations;

namespace CleanAgent.Application.Replies.DeliverOutbox;

/// <summary>
/// Sends an outbox voice note: its file from the media store, uploaded and sent by the sender. A file that is no longer
/// kept cannot be spoken: the spoken text goes out as text instead, with the reason on the message.
/// </summary>
internal sealed class VoiceNoteDelivery(IMediaStore media, IWhatsAppSender sender)
{
    public async Task<SendResult> SendAsync(SenderNumber from, string to, Message message, CancellationToken cancellationToken)
    {
        await using var file = await media.OpenReadAsync(message.MediaKey!, cancellationToken);
        if (file is null)
        {
            message.FallBackToText("the voice note's file is no longer kept.");
            return await sender.SendTextAsync(from, to, message.Text ?? string.Empty, message.ContextMessageId, cancellationToken);
        }

        using var bytes = new MemoryStream();
        await file.CopyToAsync(bytes, cancellationToken);
        return await sender.SendVoiceNoteAsync(from, to, bytes.GetBuffer().AsMemory(0, (int)bytes.Length), message.ContextMessageId, cancellationToken);
    }
}
