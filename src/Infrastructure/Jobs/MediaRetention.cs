using CleanAgent.Application.Media;
using CleanAgent.Domain.Conversations;
using CleanAgent.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Infrastructure.Jobs;

/// <summary>
/// Media files are kept for <c>Retention:MediaDays</c> days (default 0: for ever). Older files are deleted from the media
/// store; their messages stay, marked as no longer kept. A file shared by a newer message (same content) stays.
/// </summary>
internal sealed partial class MediaRetention(
    IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider time, ILogger<MediaRetention> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPruneFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes the files of messages older than the retention; returns how many messages lost their file.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var days = configuration.GetValue("Retention:MediaDays", 0);
        if (days <= 0)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-days);
        var reason = $"Deleted after {days} days (Retention:MediaDays).";
        var total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var store = scope.ServiceProvider.GetRequiredService<IMediaStore>();
            var batch = await db.Messages.Where(m => m.CreatedAt < cutoff && m.MediaStatus == MediaStatus.Stored)
                .OrderBy(m => m.CreatedAt).Take(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            var keys = batch.Select(m => m.MediaKey).OfType<string>().Distinct().ToList();
            batch.ForEach(m => m.ForgetMedia(reason));
            await db.SaveChangesAsync(cancellationToken);
            var stillUsed = await db.Messages.Where(m => m.MediaStatus == MediaStatus.Stored && m.MediaKey != null && keys.Contains(m.MediaKey))
                .Select(m => m.MediaKey!).Distinct().ToListAsync(cancellationToken);
            foreach (var key in keys.Except(stillUsed))
            {
                await store.DeleteAsync(key, cancellationToken);
            }

            total += batch.Count;
        }

        if (total > 0)
        {
            LogPruned(logger, total, days);
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted the media files of {Count} message(s) older than {Days} days")]
    private static partial void LogPruned(ILogger logger, int count, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting old media files failed; trying again in an hour")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
