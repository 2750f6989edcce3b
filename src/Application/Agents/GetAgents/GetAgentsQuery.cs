using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Agents.GetAgents;

public sealed record GetAgentsQuery : IQuery<IReadOnlyList<AgentDto>>;

internal sealed class GetAgentsQueryHandler(IApplicationDbContext db) : IQueryHandler<GetAgentsQuery, IReadOnlyList<AgentDto>>
{
    public async ValueTask<IReadOnlyList<AgentDto>> Handle(GetAgentsQuery query, CancellationToken cancellationToken) =>
        await db.Agents.AsNoTracking().OrderBy(a => a.Name).ProjectToDto().ToListAsync(cancellationToken);
}
