using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Media;
using CleanAgent.Domain.Conversations;

namespace CleanAgent.Application.Replies.DeliverOutbox;

/// <summary>
/// Sends an outbox voice note: its file from the media store is uploaded to Meta once, the media id committed on the
/// message at once, and the note sent by that id; a retried send reuses the id while Meta keeps the file (30 days).
/// A file that is no longer kept cannot be spoken: the spoken text goes out as text instead, with the reason on the message.
/// </summary>
internal sealed class VoiceNoteDelivery(IApplicationDbContext db, IMediaStore media, IWhatsAppSender sender, TimeProvider time)
{
    private const string VoiceNoteMediaType = "audio/ogg";

    public async Task<SendResult> SendAsync(SenderNumber from, string to, Message message, CancellationToken cancellationToken)
    {
        var mediaId = message.UploadedMediaId(time.GetUtcNow().UtcDateTime);
        if (mediaId is null)
        {
            switch (await UploadAsync(from, message, cancellationToken))
            {
                case MediaUploadResult.Uploaded uploaded:
                    mediaId = uploaded.MediaId;
                    break;
                case MediaUploadResult.NotUploaded notUploaded:
                    return notUploaded.Failure;
                case null:
                    message.FallBackToText("the voice note's file is no longer kept.");
                    return await sender.SendTextAsync(from, to, message.Text ?? string.Empty, message.ContextMessageId, cancellationToken);
            }
        }

        return await sender.SendMediaAsync(from, to, new OutboundMedia("audio", mediaId!, Voice: true), message.ContextMessageId, cancellationToken);
    }

    /// <summary>Uploads the kept file and commits Meta's media id on the message; null when the file is no longer kept.</summary>
    private async Task<MediaUploadResult?> UploadAsync(SenderNumber from, Message message, CancellationToken cancellationToken)
    {
        byte[] bytes;
        await using (var file = await media.OpenReadAsync(message.MediaKey!, cancellationToken))
        {
            if (file is null)
            {
                return null;
            }

            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            bytes = buffer.ToArray();
        }

        var result = await sender.UploadMediaAsync(from, bytes, VoiceNoteMediaType, "voice-note.ogg", cancellationToken);
        if (result is MediaUploadResult.Uploaded uploaded)
        {
            message.RecordUpload(uploaded.MediaId, time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
        }

        return result;
    }
}
