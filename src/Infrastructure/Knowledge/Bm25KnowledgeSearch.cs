using System.Security.Cryptography;
using System.Text;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>
/// BM25 over an agent's knowledge chunks. The index is built once per set of documents and kept in
/// memory; its cache key holds the agent's document ids, so adding or deleting a file builds a new one.
/// </summary>
internal sealed class Bm25KnowledgeSearch(IApplicationDbContext db, IMemoryCache cache) : IKnowledgeSearch
{
    /// <summary>Below this relative score a chunk shares too little with the question to be worth showing.</summary>
    public const double MinimumScore = 0.15;

    public async Task<IReadOnlyList<KnowledgeMatch>> SearchAsync(Guid agentId, string query, int tokenBudget, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(query) || tokenBudget <= 0)
        {
            return [];
        }

        var index = await GetIndexAsync(agentId, cancellationToken);
        if (index is null)
        {
            return [];
        }

        var matches = new List<KnowledgeMatch>();
        var used = 0;
        foreach (var (chunk, score) in index.Search(query, MinimumScore))
        {
            if (used + chunk.Tokens > tokenBudget)
            {
                continue;
            }

            used += chunk.Tokens;
            matches.Add(new KnowledgeMatch(chunk.Text, score, chunk.DocumentName));
        }

        return matches;
    }

    private async Task<Bm25Index?> GetIndexAsync(Guid agentId, CancellationToken cancellationToken)
    {
        var documents = await db.KnowledgeDocuments.AsNoTracking()
            .Where(d => d.AgentId == agentId)
            .Select(d => new { d.Id, d.FileName })
            .ToListAsync(cancellationToken);
        if (documents.Count == 0)
        {
            return null;
        }

        var ids = string.Join(',', documents.Select(d => d.Id).Order());
        var key = $"knowledge-bm25:{agentId}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ids)))}";
        if (cache.TryGetValue(key, out Bm25Index? cached) && cached is not null)
        {
            return cached;
        }

        var names = documents.ToDictionary(d => d.Id, d => d.FileName);
        var chunks = await db.KnowledgeChunks.AsNoTracking()
            .Where(c => c.AgentId == agentId)
            .OrderBy(c => c.DocumentId).ThenBy(c => c.Ordinal)
            .Select(c => new { c.DocumentId, c.Text, c.TokenCount })
            .ToListAsync(cancellationToken);
        var index = new Bm25Index(
            [.. chunks.Where(c => names.ContainsKey(c.DocumentId)).Select(c => new IndexedChunk(c.Text, c.TokenCount, names[c.DocumentId]))]);
        cache.Set(key, index, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(30) });
        return index;
    }
}
