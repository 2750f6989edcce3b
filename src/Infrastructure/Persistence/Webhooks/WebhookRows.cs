using CleanAgent.Domain.Conversations;

namespace CleanAgent.Infrastructure.Persistence.Webhooks;

/// <summary>
/// What the messages stored for one conversation in one batch add to it, by <see cref="Conversation.RecordInbound"/>,
/// <see cref="Conversation.RecordProfile"/> and <see cref="Conversation.RecordOutbound"/>; applied in SQL by
/// <see cref="WebhookSql.UpdateConversations"/>.
/// </summary>
internal sealed class ConversationDelta(Guid id, bool unidentified, DateTime now)
{
    public static readonly IReadOnlyList<WebhookSql.Column> Columns =
    [
        new("Id", "guid"), new("InboundCount", "int"), new("OutboundCount", "int"), new("LastMessageAt", "datetime"),
        new("LastInboundAt", "datetime"), new("CustomerName", "string"), new("CustomerUserId", "string"),
        new("CustomerUsername", "string"), new("CustomerParentUserId", "string"), new("RequestReply", "bool"), new("Now", "datetime"),
    ];

    public Guid Id { get; } = id;
    public int InboundCount { get; private set; }
    public int OutboundCount { get; private set; }
    public DateTime LastMessageAt { get; private set; } = DateTime.MinValue;
    public DateTime? LastInboundAt { get; private set; }
    public string? CustomerName { get; private set; }
    public string? CustomerUserId { get; private set; }
    public string? CustomerUsername { get; private set; }
    public string? CustomerParentUserId { get; private set; }

    /// <summary>Whether a stored message asks for an answer (the number answers, the customer can be addressed).</summary>
    public bool RequestReply { get; private set; }

    public void RecordInbound(Message message, string? customerName, string? userId, string? username, string? parentUserId, bool answering)
    {
        InboundCount++;
        LastMessageAt = Later(LastMessageAt, message.Timestamp);
        LastInboundAt = LastInboundAt is { } last ? Later(last, message.Timestamp) : message.Timestamp;
        if (!string.IsNullOrWhiteSpace(customerName))
        {
            CustomerName = customerName;
        }

        // Usable as a key is usable as a user id: not blank, not too long, not the placeholder.
        CustomerUserId ??= Conversation.KeyFor(null, userId);
        if (!unidentified)
        {
            CustomerUsername = Conversation.KeyFor(null, username) ?? CustomerUsername;
            CustomerParentUserId = Conversation.KeyFor(null, parentUserId) ?? CustomerParentUserId;
        }

        RequestReply |= message.NeedsReply && answering && !unidentified;
    }

    public void RecordOutbound(Message message)
    {
        OutboundCount++;
        LastMessageAt = Later(LastMessageAt, message.Timestamp);
    }

    public object?[] Values() =>
        [Id, InboundCount, OutboundCount, LastMessageAt, LastInboundAt, CustomerName, CustomerUserId, CustomerUsername, CustomerParentUserId, RequestReply, now];

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;
}

/// <summary>One delivery status for <see cref="WebhookSql.ApplyStatuses"/>; the rank is the domain's (<see cref="MessageStatusRules.Rank"/>).</summary>
internal sealed record StatusRow(Guid WhatsAppNumberId, string WhatsAppMessageId, MessageStatus Status, DateTime At, string? ErrorCode, string? ErrorTitle)
{
    public static readonly IReadOnlyList<WebhookSql.Column> Columns =
    [
        new("WhatsAppNumberId", "guid"), new("WhatsAppMessageId", "string"), new("Status", "string"), new("Rank", "int"),
        new("At", "datetime"), new("ErrorCode", "string"), new("ErrorTitle", "string"),
    ];

    public object?[] Values() => [WhatsAppNumberId, WhatsAppMessageId, Status.ToString(), Status.Rank(), At, ErrorCode, ErrorTitle];
}
