using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Media;
using CleanAgent.Domain.Conversations;

namespace CleanAgent.Application.Replies.DeliverOutbox;

/// <summary>
/// Sends an outbox file (an agent's voice note, or an operator's image, audio, video or document): the file from the
/// media store is uploaded to Meta once, the media id committed on the message at once, and the message sent by that
/// id; a retried send reuses the id while Meta keeps the file (30 days). A voice note whose file is no longer kept goes
/// out as its text, with the reason on the message; an operator's file that is gone fails for good.
/// </summary>
internal sealed class OutboundMediaDelivery(IApplicationDbContext db, IMediaStore media, IWhatsAppSender sender, TimeProvider time)
{
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
                case null when message.IsOutboundVoiceNote:
                    message.FallBackToText("the voice note's file is no longer kept.");
                    return await sender.SendTextAsync(from, to, message.Text ?? string.Empty, message.ContextMessageId, cancellationToken);
                case null:
                    return new SendResult.PermanentFailure("media_missing", "The file is no longer kept in the media store.");
            }
        }

        var file = new OutboundMedia(message.Type, mediaId!, message.IsVoice, message.Caption, message.FileName);
        return await sender.SendMediaAsync(from, to, file, message.ContextMessageId, cancellationToken);
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

        var mimeType = MediaRules.BareMimeType(message.MimeType ?? "audio/ogg");
        var fileName = message.IsVoice ? "voice-note.ogg" : MediaRules.FileNameFor(message.Type, message.FileName, mimeType, message.Id);
        var result = await sender.UploadMediaAsync(from, bytes, mimeType, fileName, cancellationToken);
        if (result is MediaUploadResult.Uploaded uploaded)
        {
            message.RecordUpload(uploaded.MediaId, time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
        }

        return result;
    }
}
