using CleanAgent.Domain.Agents;
using Riok.Mapperly.Abstractions;

namespace CleanAgent.Application.Agents;

[Mapper(RequiredMappingStrategy = RequiredMappingStrategy.Target)]
internal static partial class AgentMapper
{
    public static partial AgentDto ToDto(this Agent agent);

    public static partial IQueryable<AgentDto> ProjectToDto(this IQueryable<Agent> agents);
}
