namespace CleanAgent.Application.Replies;

/// <summary>Finds the pieces of an agent's knowledge that best match a question.</summary>
public interface IKnowledgeSearch
{
    /// <summary>The best-matching chunks, best first, whose token counts add up to at most <paramref name="tokenBudget"/>.</summary>
    Task<IReadOnlyList<KnowledgeMatch>> SearchAsync(Guid agentId, string query, int tokenBudget, CancellationToken cancellationToken);
}

/// <param name="Text">The chunk's text (for a CSV row: "column: value" lines).</param>
/// <param name="Score">The ranking score (BM25 divided by the sum of the query words' IDF: about 1 when every word of the question is found once); higher is better.</param>
/// <param name="DocumentName">The file the chunk came from.</param>
public sealed record KnowledgeMatch(string Text, double Score, string DocumentName);
