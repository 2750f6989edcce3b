using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Common.Models;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.GetConversations;

/// <summary>Conversations, the most recently active first, optionally of one number.</summary>
public sealed record GetConversationsQuery(Guid? WhatsAppNumberId, int Page = 1, int PageSize = 20) : IQuery<PagedList<ConversationDto>>;

internal sealed class GetConversationsQueryHandler(IApplicationDbContext db) : IQueryHandler<GetConversationsQuery, PagedList<ConversationDto>>
{
    public async ValueTask<PagedList<ConversationDto>> Handle(GetConversationsQuery query, CancellationToken cancellationToken)
    {
        var conversations = db.Conversations.AsNoTracking();
        if (query.WhatsAppNumberId is { } numberId)
        {
            conversations = conversations.Where(c => c.WhatsAppNumberId == numberId);
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
