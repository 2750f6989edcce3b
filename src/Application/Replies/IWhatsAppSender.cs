namespace CleanAgent.Application.Replies;

/// <summary>Sends messages through Meta's WhatsApp Cloud API with one number's own credentials.</summary>
public interface IWhatsAppSender
{
    /// <summary>Sends one text message (at most 4096 characters), as a reply to <paramref name="replyToWamid"/> when given.</summary>
    Task<SendResult> SendTextAsync(SenderNumber number, string to, string text, string? replyToWamid, CancellationToken cancellationToken);

    /// <summary>
    /// Sends an approved message template (allowed outside the 24-hour window). Senders that cannot (the simulator)
    /// refuse it for good, saying so.
    /// </summary>
    Task<SendResult> SendTemplateAsync(SenderNumber number, string to, Domain.Conversations.MessageTemplate template, CancellationToken cancellationToken) =>
        Task.FromResult<SendResult>(new SendResult.PermanentFailure("template_unsupported", "This number cannot send message templates."));

    /// <summary>
    /// Uploads a file to Meta (<c>POST /{phone-number-id}/media</c>) for a later <see cref="SendMediaAsync"/>; Meta keeps
    /// it 30 days. Senders that cannot refuse it for good, saying so.
    /// </summary>
    Task<MediaUploadResult> UploadMediaAsync(SenderNumber number, ReadOnlyMemory<byte> file, string mimeType, string fileName, CancellationToken cancellationToken) =>
        Task.FromResult<MediaUploadResult>(new MediaUploadResult.NotUploaded(new SendResult.PermanentFailure("media_unsupported", "This number cannot send files.")));

    /// <summary>How long an upload may take (a file of up to 100 MB): the delivery step holds its lease that long.</summary>
    TimeSpan UploadTimeout => TimeSpan.FromMinutes(2);

    /// <summary>Sends an uploaded file (audio, a voice note, an image, a video or a document). Senders that cannot refuse it for good, saying so.</summary>
    Task<SendResult> SendMediaAsync(SenderNumber number, string to, OutboundMedia media, string? replyToWamid, CancellationToken cancellationToken) =>
        Task.FromResult<SendResult>(new SendResult.PermanentFailure("media_unsupported", "This number cannot send files."));

    /// <summary>
    /// Marks an inbound message (and those before it) read, without a typing indicator: a person opened the conversation.
    /// Best effort. Senders without a separate call mark it read as <see cref="MarkReadAsync"/> does.
    /// </summary>
    Task MarkSeenAsync(SenderNumber number, string wamid, CancellationToken cancellationToken) => MarkReadAsync(number, wamid, cancellationToken);

    /// <summary>Marks an inbound message read and shows the typing indicator. Best effort: failures are logged, not thrown.</summary>
    Task MarkReadAsync(SenderNumber number, string wamid, CancellationToken cancellationToken);
}

/// <summary>
/// What the sender needs of a number. <see cref="AccessToken"/> is in clear; null means "use the configured fallback token".
/// <see cref="IsSandbox"/> numbers are the simulator's: their calls go to the simulated Graph API, never to Meta.
/// </summary>
public sealed record SenderNumber(string PhoneNumberId, string GraphApiVersion, string? AccessToken, bool IsSandbox = false)
{
    public override string ToString() => $"SenderNumber {{ PhoneNumberId = {PhoneNumberId}, GraphApiVersion = {GraphApiVersion}, IsSandbox = {IsSandbox} }}";
}

/// <summary>The outcome of a send, in our terms (Meta's JSON never leaves Infrastructure).</summary>
public abstract record SendResult
{
    private SendResult()
    {
    }

    /// <summary>Meta accepted the message and gave it this wamid.</summary>
    public sealed record Sent(string WhatsAppMessageId) : SendResult;

    /// <summary>Worth trying again later (rate limit, Meta's transient errors, HTTP 5xx, time-out).</summary>
    public sealed record RetryableFailure(string? Code, string Reason, TimeSpan? RetryAfter) : SendResult;

    /// <summary>Trying again will not help (bad parameter, outside the 24-hour window, expired token…).</summary>
    public sealed record PermanentFailure(string Code, string Title) : SendResult;
}

/// <summary>
/// A file uploaded to Meta, by its media id, as a message of <paramref name="Type"/> (<c>audio</c>, <c>image</c>,
/// <c>video</c>, <c>document</c>). <paramref name="Voice"/> makes audio a voice note.
/// </summary>
public sealed record OutboundMedia(string Type, string MediaId, bool Voice = false, string? Caption = null, string? FileName = null);

/// <summary>The outcome of an upload: Meta's media id, or why not (a retryable or permanent <see cref="SendResult"/>).</summary>
public abstract record MediaUploadResult
{
    private MediaUploadResult()
    {
    }

    public sealed record Uploaded(string MediaId) : MediaUploadResult;

    public sealed record NotUploaded(SendResult Failure) : MediaUploadResult;
}
