using System.ComponentModel;
using CleanAgent.Application.Agents.Knowledge;
using CleanAgent.Infrastructure.Knowledge;
using CleanAgent.Infrastructure.Persistence;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Jobs;

/// <summary>
/// Gives vectors to the knowledge chunks that have none for the embedding model in use (<c>Ai:EmbeddingModel</c>): files
/// uploaded while the embeddings endpoint was down, or before the model was set or changed. A Hangfire recurring job
/// (<c>Knowledge:EmbeddingJobCron</c>, every 5 minutes), at most <c>Knowledge:EmbeddingChunksPerRun</c> chunks a run,
/// oldest files first. When the endpoint fails the run fails and Hangfire retries it; the next run goes on where the last
/// one stopped either way. A file's vectors are used only once all its chunks have one (its <c>EmbeddingModel</c> is set
/// then, which changes the agent's knowledge version, so every instance rebuilds the index with them).
/// </summary>
public sealed partial class KnowledgeEmbeddingJob(IServiceScopeFactory scopes, IKnowledgeEmbedder embedder, ILogger<KnowledgeEmbeddingJob> logger)
{
    public const string RecurringJobId = "knowledge-embeddings";

    /// <returns>How many chunks got a vector.</returns>
    [DisplayName("Embed knowledge chunks that have no vectors")]
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [10, 60, 300, 900, 1800], OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (embedder.Model is not { } model)
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var limit = Math.Max(1, scope.ServiceProvider.GetRequiredService<IOptions<KnowledgeOptions>>().Value.EmbeddingChunksPerRun);

        // Files embedded by another model: their vectors cannot be compared with the questions' any more. They are
        // searched by their words until embedded again.
        var stale = await db.KnowledgeDocuments.Where(d => d.EmbeddingModel != null && d.EmbeddingModel != model)
            .Select(d => d.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var id in stale)
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.KnowledgeDocuments.Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.EmbeddingModel, (string?)null), cancellationToken);
                await db.KnowledgeChunks.Where(c => c.DocumentId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Embedding, (byte[]?)null), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            });
        }

        // Synonym lists are never compared by meaning.
        var pending = await (
                from c in db.KnowledgeChunks
                join d in db.KnowledgeDocuments on c.DocumentId equals d.Id
                where d.EmbeddingModel == null && c.Embedding == null && !d.FileName.ToLower().EndsWith(LuceneKnowledgeSearch.SynonymsFileName)
                orderby d.CreatedAt, d.Id, c.Ordinal
                select new { c.Id, c.DocumentId, c.Text })
            .Take(limit)
            .ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return 0;
        }

        var vectors = await embedder.TryEmbedAsync([.. pending.Select(c => c.Text)], cancellationToken)
            ?? throw new KnowledgeEmbeddingFailedException($"The embeddings endpoint failed for {pending.Count} knowledge chunks (logged above); the run is retried.");

        // A file whose chunks now all have vectors is embedded by the model in use.
        var documents = pending.Select(c => c.DocumentId).Distinct().ToList();
        var complete = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            for (var i = 0; i < pending.Count; i++)
            {
                var (id, vector) = (pending[i].Id, vectors[i]);
                await db.KnowledgeChunks.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Embedding, vector), cancellationToken);
            }

            var completed = await db.KnowledgeDocuments
                .Where(d => documents.Contains(d.Id) && !db.KnowledgeChunks.Any(c => c.DocumentId == d.Id && c.Embedding == null))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.EmbeddingModel, model), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return completed;
        });
        LogEmbedded(logger, pending.Count, model, complete);
        return pending.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded {Chunks} knowledge chunks with {Model}; {Documents} files now fully embedded")]
    private static partial void LogEmbedded(ILogger logger, int chunks, string model, int documents);
}

/// <summary>The embeddings endpoint failed during a <see cref="KnowledgeEmbeddingJob"/> run: Hangfire retries it.</summary>
public sealed class KnowledgeEmbeddingFailedException(string message) : Exception(message);

/// <summary>
/// Schedules <see cref="KnowledgeEmbeddingJob"/> at start when an embedding model is configured, and removes the
/// schedule when none is (it would have nothing to do).
/// </summary>
internal sealed class KnowledgeEmbeddingSchedule(IRecurringJobManager jobs, IKnowledgeEmbedder embedder, IOptions<KnowledgeOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (embedder.Model is null)
        {
            jobs.RemoveIfExists(KnowledgeEmbeddingJob.RecurringJobId);
        }
        else
        {
            jobs.AddOrUpdate<KnowledgeEmbeddingJob>(
                KnowledgeEmbeddingJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.Value.EmbeddingJobCron, new RecurringJobOptions());
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
