using CleanAgent.Domain.Conversations;

namespace CleanAgent.Application.Conversations;

public sealed record ConversationDto(
    Guid Id,
    Guid WhatsAppNumberId,
    string CustomerKey,
    string? CustomerWaId,
    string? CustomerUserId,
    string? CustomerName,
    string? CustomerUsername,
    string? CustomerParentUserId,
    bool? MarketingOptOut,
    DateTime CreatedAt,
    DateTime LastMessageAt,
    DateTime? LastInboundAt,
    int InboundCount,
    int OutboundCount,
    bool ReplyPending,
    string? LastReplyError,
    ConversationMode Mode,
    DateTime? ModeChangedAt,
    string? ModeChangedBy,
    string? ModeReason,
    bool WaitingForHuman);
