using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Agents.Knowledge.SearchKnowledge;

/// <summary>What the agent finds in its knowledge for a question, as it would when answering: the top rows with their scores.</summary>
public sealed record SearchKnowledgeQuery(Guid AgentId, string Question, int Top = SearchKnowledgeQuery.DefaultTop) : IQuery<IReadOnlyList<KnowledgeSearchResultDto>>
{
    public const int DefaultTop = 5;

    public const int MaxTop = 20;

    public const int MaxQuestionLength = 4096;
}

/// <param name="Text">The chunk (for a CSV row: "column: value" lines).</param>
/// <param name="Score">0–1: the share of the question (its words weighted by rarity) the chunk holds.</param>
/// <param name="DocumentName">The knowledge file.</param>
public sealed record KnowledgeSearchResultDto(string Text, double Score, string DocumentName);

internal sealed class SearchKnowledgeQueryHandler(IApplicationDbContext db, IKnowledgeSearch knowledge)
    : IQueryHandler<SearchKnowledgeQuery, IReadOnlyList<KnowledgeSearchResultDto>>
{
    public async ValueTask<IReadOnlyList<KnowledgeSearchResultDto>> Handle(SearchKnowledgeQuery query, CancellationToken cancellationToken)
    {
        if (!await db.Agents.AnyAsync(a => a.Id == query.AgentId, cancellationToken))
        {
            throw new NotFoundException("Agent", query.AgentId);
        }

        var matches = await knowledge.SearchAsync(query.AgentId, query.Question, int.MaxValue, cancellationToken);
        return [.. matches.Take(query.Top).Select(m => new KnowledgeSearchResultDto(m.Text, m.Score, m.DocumentName))];
    }
}
