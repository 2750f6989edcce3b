using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.GetConversation;

/// <summary>One conversation: who the customer is, whether it needs a reply, the last reply error.</summary>
public sealed record GetConversationQuery(Guid Id) : IQuery<ConversationDto>;

internal sealed class GetConversationQueryHandler(IApplicationDbContext db) : IQueryHandler<GetConversationQuery, ConversationDto>
{
    public async ValueTask<ConversationDto> Handle(GetConversationQuery query, CancellationToken cancellationToken) =>
        await db.Conversations.AsNoTracking().Where(c => c.Id == query.Id).ProjectToDto().FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Conversation", query.Id);
}
