namespace CleanAgent.Domain.Conversations;

/// <summary>The exchange between one WhatsApp number and one customer.</summary>
public sealed class Conversation
{
    /// <summary>Meta lets a business answer freely for 24 hours after the customer's last message.</summary>
    public static readonly TimeSpan ServiceWindow = TimeSpan.FromHours(24);

    private Conversation()
    {
        CustomerKey = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid WhatsAppNumberId { get; private set; }

    /// <summary>The customer's identity for this number: the wa_id when known, else the business-scoped user id.</summary>
    public string CustomerKey { get; private set; }

    public string? CustomerWaId { get; private set; }
    public string? CustomerUserId { get; private set; }
    public string? CustomerName { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime LastMessageAt { get; private set; }
    public DateTime? LastInboundAt { get; private set; }
    public int InboundCount { get; private set; }
    public int OutboundCount { get; private set; }

    /// <summary>Set when inbound messages wait for an answer; the database, not the job queue, is the record of it.</summary>
    public bool ReplyPending { get; private set; }

    public DateTime? ReplyRequestedAt { get; private set; }
    public string? LastReplyError { get; private set; }

    /// <summary>Bumped on every change, so that two writers cannot both win.</summary>
    public int Version { get; private set; }

    public static Conversation Start(Guid whatsAppNumberId, string? waId, string? userId, DateTime now)
    {
        var key = waId ?? userId ?? throw new ArgumentException("A customer needs a wa_id or a user id.", nameof(waId));
        return new Conversation
        {
            Id = Guid.CreateVersion7(),
            WhatsAppNumberId = whatsAppNumberId,
            CustomerKey = key,
            CustomerWaId = waId,
            CustomerUserId = userId,
            CreatedAt = now,
            LastMessageAt = now,
        };
    }

    /// <summary>Where Meta sends the answer: the phone number when known, else the business-scoped user id.</summary>
    public string Recipient => CustomerWaId ?? CustomerUserId ?? CustomerKey;

    public void RecordInbound(Message message, string? customerName, string? userId, DateTime now)
    {
        if (!string.IsNullOrWhiteSpace(customerName))
        {
            CustomerName = customerName;
        }

        CustomerUserId ??= userId;
        InboundCount++;
        LastMessageAt = Max(LastMessageAt, message.Timestamp);
        LastInboundAt = LastInboundAt is null ? message.Timestamp : Max(LastInboundAt.Value, message.Timestamp);
        if (message.NeedsReply)
        {
            RequestReply(now);
        }

        Version++;
    }

    public void RecordOutbound(Message message)
    {
        OutboundCount++;
        LastMessageAt = Max(LastMessageAt, message.Timestamp);
        Version++;
    }

    public void RequestReply(DateTime now)
    {
        if (!ReplyPending)
        {
            ReplyRequestedAt = now;
        }

        ReplyPending = true;
        Version++;
    }

    public void CompleteReply(string? error)
    {
        ReplyPending = false;
        LastReplyError = error;
        Version++;
    }

    public bool IsWithinServiceWindow(DateTime now) => LastInboundAt is { } last && now - last < ServiceWindow;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
