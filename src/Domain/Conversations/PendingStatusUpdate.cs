namespace CleanAgent.Domain.Conversations;

/// <summary>
/// A delivery status that arrived before the message it names was stored (Meta does not guarantee
/// order). It is applied when the message appears.
/// </summary>
public sealed class PendingStatusUpdate
{
    private PendingStatusUpdate()
    {
        WhatsAppMessageId = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid WhatsAppNumberId { get; private set; }
    public string WhatsAppMessageId { get; private set; }
    public MessageStatus Status { get; private set; }
    public DateTime Timestamp { get; private set; }
    public string? ErrorCode { get; private set; }
    public string? ErrorTitle { get; private set; }
    public DateTime ReceivedAt { get; private set; }

    public static PendingStatusUpdate Keep(
        Guid whatsAppNumberId, string wamid, MessageStatus status, DateTime timestamp, string? errorCode, string? errorTitle, DateTime now) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            WhatsAppNumberId = whatsAppNumberId,
            WhatsAppMessageId = wamid,
            Status = status,
            Timestamp = timestamp,
            ErrorCode = errorCode,
            ErrorTitle = errorTitle,
            ReceivedAt = now,
        };

    public void ApplyTo(Message message) => message.ApplyStatus(Status, Timestamp, ErrorCode, ErrorTitle);
}
