using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.GetConversationMessages;

/// <summary>A conversation's history in the order the messages were written, oldest first.</summary>
public sealed record GetConversationMessagesQuery(Guid ConversationId, int Page = 1, int PageSize = 100) : IQuery<IReadOnlyList<MessageDto>>;

internal sealed class GetConversationMessagesQueryHandler(IApplicationDbContext db)
    : IQueryHandler<GetConversationMessagesQuery, IReadOnlyList<MessageDto>>
{
    public async ValueTask<IReadOnlyList<MessageDto>> Handle(GetConversationMessagesQuery query, CancellationToken cancellationToken)
    {
        if (!await db.Conversations.AnyAsync(c => c.Id == query.ConversationId, cancellationToken))
        {
            throw new NotFoundException("Conversation", query.ConversationId);
        }

        return await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == query.ConversationId)
            .OrderBy(m => m.Timestamp).ThenBy(m => m.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .ProjectToDto()
            .ToListAsync(cancellationToken);
    }
}
