using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Common.Models;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.GetConversationMessages;

/// <summary>A conversation's history in the order the messages were written, oldest first, paged like the conversations.</summary>
public sealed record GetConversationMessagesQuery(Guid ConversationId, int Page = 1, int PageSize = 100) : IQuery<PagedList<MessageDto>>;

internal sealed class GetConversationMessagesQueryHandler(IApplicationDbContext db)
    : IQueryHandler<GetConversationMessagesQuery, PagedList<MessageDto>>
{
    public async ValueTask<PagedList<MessageDto>> Handle(GetConversationMessagesQuery query, CancellationToken cancellationToken)
    {
        if (!await db.Conversations.AnyAsync(c => c.Id == query.ConversationId, cancellationToken))
        {
            throw new NotFoundException("Conversation", query.ConversationId);
        }

        var messages = db.Messages.AsNoTracking().Where(m => m.ConversationId == query.ConversationId);
        var total = await messages.CountAsync(cancellationToken);
        var items = await messages
            .OrderBy(m => m.Timestamp).ThenBy(m => m.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .ProjectToDto()
            .ToListAsync(cancellationToken);
        return new PagedList<MessageDto>(items, query.Page, query.PageSize, total);
    }
}
