namespace CleanAgent.Domain.Conversations;

/// <summary>
/// Where a message stands. Inbound messages are <see cref="Received"/>; outbound ones move
/// Pending → Sent → Delivered → Read (or Played for voice), or end Failed (and maybe Discarded).
/// </summary>
public enum MessageStatus
{
    Received,
    Pending,
    Sent,
    Delivered,
    Read,
    Played,
    Failed,

    /// <summary>An outbound message that failed and that an operator chose not to send again.</summary>
    Discarded,
}

public static class MessageStatusRules
{
    /// <summary>How far along a status is; a status never moves to a lower rank.</summary>
    public static int Rank(this MessageStatus status) => status switch
    {
        MessageStatus.Received => 0,
        MessageStatus.Pending => 0,
        MessageStatus.Sent => 1,
        MessageStatus.Delivered => 2,
        MessageStatus.Failed => 2,
        MessageStatus.Discarded => 2,
        MessageStatus.Read => 3,
        MessageStatus.Played => 4,
        _ => 0,
    };

    /// <summary>Reads Meta's status word; <c>null</c> for one we do not know.</summary>
    public static MessageStatus? FromMeta(string? value) => value?.ToLowerInvariant() switch
    {
        "sent" => MessageStatus.Sent,
        "delivered" => MessageStatus.Delivered,
        "read" => MessageStatus.Read,
        "played" => MessageStatus.Played,
        "failed" => MessageStatus.Failed,
        _ => null,
    };
}
