using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Common.Models;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.GetConversations;

/// <summary>
/// Conversations, the most recently active first, optionally of one number, found by customer name or number
/// (<paramref name="Q"/>) and filtered: waiting for a reply, with a failed reply or message, inside the 24-hour window,
/// answered by the agent or a person (<paramref name="Mode"/>), waiting for a person.
/// A filter left out (null) does not filter; <c>false</c> asks for the opposite.
/// </summary>
public sealed record GetConversationsQuery(
    Guid? WhatsAppNumberId,
    int Page = 1,
    int PageSize = 20,
    string? Q = null,
    bool? NeedsReply = null,
    bool? Failed = null,
    bool? WindowOpen = null,
    ConversationMode? Mode = null,
    bool? WaitingForHuman = null) : IQuery<PagedList<ConversationDto>>;

internal sealed class GetConversationsQueryHandler(IApplicationDbContext db, TimeProvider time) : IQueryHandler<GetConversationsQuery, PagedList<ConversationDto>>
{
    public async ValueTask<PagedList<ConversationDto>> Handle(GetConversationsQuery query, CancellationToken cancellationToken)
    {
        var conversations = db.Conversations.AsNoTracking();
        if (query.WhatsAppNumberId is { } numberId)
        {
            conversations = conversations.Where(c => c.WhatsAppNumberId == numberId);
        }

        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var text = query.Q.Trim().ToLowerInvariant();
            var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
            conversations = conversations.Where(c =>
                (c.CustomerName != null && c.CustomerName.ToLower().Contains(text))
                || (digits.Length > 0 && c.CustomerWaId != null && c.CustomerWaId.Contains(digits)));
        }

        if (query.NeedsReply is { } needsReply)
        {
            conversations = conversations.Where(c => c.ReplyPending == needsReply);
        }

        if (query.Failed is { } failed)
        {
            var failedMessages = db.Messages.Where(m => m.Status == MessageStatus.Failed);
            conversations = conversations.Where(c =>
                (c.LastReplyError != null || failedMessages.Any(m => m.ConversationId == c.Id)) == failed);
        }

        if (query.WindowOpen is { } windowOpen)
        {
            var opensAfter = time.GetUtcNow().UtcDateTime - Conversation.ServiceWindow;
            conversations = conversations.Where(c => (c.LastInboundAt != null && c.LastInboundAt > opensAfter) == windowOpen);
        }

        if (query.Mode is { } mode)
        {
            conversations = conversations.Where(c => c.Mode == mode);
        }

        if (query.WaitingForHuman is { } waiting)
        {
            conversations = conversations.Where(c => c.WaitingForHuman == waiting);
        }

        var total = await conversations.CountAsync(cancellationToken);
        var items = await conversations
            .OrderByDescending(c => c.LastMessageAt).ThenByDescending(c => c.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .ProjectToDto()
            .ToListAsync(cancellationToken);
        return new PagedList<ConversationDto>(items, query.Page, query.PageSize, total);
    }
}
