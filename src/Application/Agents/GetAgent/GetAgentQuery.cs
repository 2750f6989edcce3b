using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Agents.GetAgent;

public sealed record GetAgentQuery(Guid Id) : IQuery<AgentDto>;

internal sealed class GetAgentQueryHandler(IApplicationDbContext db) : IQueryHandler<GetAgentQuery, AgentDto>
{
    public async ValueTask<AgentDto> Handle(GetAgentQuery query, CancellationToken cancellationToken) =>
        await db.Agents.AsNoTracking().Where(a => a.Id == query.Id).ProjectToDto().FirstOrDefaultAsync(cancellationToken)
        ?? throw new NotFoundException("Agent", query.Id);
}
