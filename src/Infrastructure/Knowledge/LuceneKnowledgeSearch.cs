using System.Security.Cryptography;
using System.Text;
using CleanAgent.Application.Agents.Knowledge;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Domain.Agents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>
/// Searches an agent's knowledge with its Lucene index. The index is keyed by the agent's knowledge
/// version (its documents' ids), read from the database on every search: a file added or deleted on
/// another instance is seen at the next question. With an embedding model (<c>Ai:EmbeddingModel</c>) the question's
/// vector finds the chunks closest in meaning too, fused with the lexical ranking; without one, or when the endpoint
/// fails, the ranking is lexical alone.
/// </summary>
internal sealed class LuceneKnowledgeSearch(
    IApplicationDbContext db, KnowledgeIndexCache indexes, IKnowledgeEmbedder embedder, IOptions<KnowledgeOptions> options) : IKnowledgeSearch
{
    /// <summary>A knowledge file with this name holds synonyms (one group of equivalent words per row), not answers.</summary>
    public const string SynonymsFileName = "synonyms.csv";

    /// <summary>Below this score a chunk shares too little with the question to be worth showing.</summary>
    public const double MinimumScore = 0.2;

    private const int MaxMatches = 20;

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

        var ranked = index.Search(query, MaxMatches);
        if (index.HasVectors && await embedder.TryEmbedAsync([query], cancellationToken) is [var vector])
        {
            ranked = KnowledgeIndex.Fuse(ranked, index.NearestByMeaning(vector, MaxMatches, options.Value.MinimumSimilarity), MaxMatches);
        }

        var matches = new List<KnowledgeMatch>();
        var used = 0;
        foreach (var (chunk, score) in ranked)
        {
            if (score < MinimumScore || used + chunk.Tokens > tokenBudget)
            {
                continue;
            }

            used += chunk.Tokens;
            matches.Add(new KnowledgeMatch(chunk.Text, score, chunk.DocumentName));
        }

        return matches;
    }

    private async Task<KnowledgeIndex?> GetIndexAsync(Guid agentId, CancellationToken cancellationToken)
    {
        // The knowledge version, one indexed query: the agent's files and its knowledge language.
        var documents = await (
                from d in db.KnowledgeDocuments.AsNoTracking()
                join a in db.Agents on d.AgentId equals a.Id
                where d.AgentId == agentId
                select new { d.Id, d.FileName, d.EmbeddingModel, a.KnowledgeLanguage })
            .ToListAsync(cancellationToken);
        if (!documents.Any(d => !IsSynonyms(d.FileName)))
        {
            return null;
        }

        var language = documents[0].KnowledgeLanguage;
        // Only vectors of the model in use can be compared with the question's.
        var embedded = documents.Where(d => d.EmbeddingModel is not null && d.EmbeddingModel == embedder.Model).Select(d => d.Id).ToHashSet();
        var version = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            language + ":" + string.Join(',', documents.Select(d => d.Id).Order()) + ":" + string.Join(',', embedded.Order()))));
        return await indexes.GetAsync($"{agentId}:{version}", async () =>
        {
            var names = documents.ToDictionary(d => d.Id, d => d.FileName);

            // A shared build must not die with the request that happened to start it.
            var chunks = await db.KnowledgeChunks.AsNoTracking()
                .Where(c => c.AgentId == agentId)
                .OrderBy(c => c.DocumentId).ThenBy(c => c.Ordinal)
                .Select(c => new { c.DocumentId, c.Text, c.TokenCount, c.Embedding })
                .ToListAsync(CancellationToken.None);
            var byDocument = chunks.Where(c => names.ContainsKey(c.DocumentId)).GroupBy(c => c.DocumentId).ToList();
            var sources = byDocument
                .Where(g => !IsSynonyms(names[g.Key]))
                .Select(g => new KnowledgeSource(
                    names[g.Key], [.. g.Select(c => (c.Text, c.TokenCount))], embedded.Contains(g.Key) ? [.. g.Select(c => c.Embedding)] : null))
                .ToList();
            var synonyms = byDocument
                .Where(g => IsSynonyms(names[g.Key]))
                .SelectMany(g => g.Select(c => SynonymGroup(c.Text)))
                .Where(g => g.Length > 1)
                .ToList();
            return KnowledgeIndex.Build(sources, synonyms, CancellationToken.None, language == Agent.AutoKnowledgeLanguage ? null : language);
        });
    }

    private static bool IsSynonyms(string fileName) => fileName.EndsWith(SynonymsFileName, StringComparison.OrdinalIgnoreCase);

    /// <summary>A synonyms row as stored ("column: value" lines): its values, a value may list several words separated by "|".</summary>
    internal static string[] SynonymGroup(string chunk) =>
        [.. chunk.Split('\n')
            .Select(line => line.Split(": ", 2) is [_, var value] ? value : line)
            .SelectMany(value => value.Split('|'))
            .Select(value => value.Trim())
            .Where(value => value.Length > 0)];
}
