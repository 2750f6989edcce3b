using CleanAgent.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Infrastructure.Jobs;

/// <summary>
/// Messages are kept indefinitely, but the raw webhook JSON of each (the largest column) only for
/// <c>Retention:RawPayloadDays</c> days (default 90; 0 keeps it forever). The parsed fields stay. Statuses kept for a
/// message that never appeared (early statuses, or statuses for messages this service never sent) go with the same age,
/// so anyone with a number's app secret cannot grow that table without bound.
/// </summary>
internal sealed partial class RawPayloadRetention(
    IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider time, ILogger<RawPayloadRetention> logger) : BackgroundService
{
    public const int DefaultDays = 90;
    private const int BatchSize = 5_000;
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

    /// <summary>Clears raw payloads and removes unmatched statuses older than the retention; returns how many rows changed.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var days = configuration.GetValue("Retention:RawPayloadDays", DefaultDays);
        if (days <= 0)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-days);
        var total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var batch = await db.Messages.Where(m => m.CreatedAt < cutoff && m.RawJson != null)
                .OrderBy(m => m.CreatedAt).Select(m => m.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            total += await db.Messages.Where(m => batch.Contains(m.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.RawJson, (string?)null), cancellationToken);
        }

        if (total > 0)
        {
            LogPruned(logger, total, days);
        }

        var statuses = await DeleteUnmatchedStatusesAsync(cutoff, cancellationToken);
        if (statuses > 0)
        {
            LogStatusesPruned(logger, statuses, days);
        }

        return total + statuses;
    }

    private async Task<int> DeleteUnmatchedStatusesAsync(DateTime cutoff, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.PendingStatusUpdates.Where(s => s.ReceivedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} status update(s) older than {Days} days whose message never appeared")]
    private static partial void LogStatusesPruned(ILogger logger, int count, int days);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleared the raw webhook JSON of {Count} message(s) older than {Days} days")]
    private static partial void LogPruned(ILogger logger, int count, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clearing old raw webhook JSON failed; trying again in an hour")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
