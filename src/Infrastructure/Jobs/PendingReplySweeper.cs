using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Jobs;

/// <summary>
/// The database, not the job queue, says which conversations still need a reply. This service
/// finds those that no job is working on (the process died after the 200, a job gave up, a queue
/// was lost) and schedules them again.
/// </summary>
internal sealed partial class PendingReplySweeper(
    IServiceScopeFactory scopes, IOptions<ReplyOptions> options, TimeProvider time, ILogger<PendingReplySweeper> logger) : BackgroundService
{
    private TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, options.Value.SweepIntervalSeconds));

    private TimeSpan Grace => TimeSpan.FromSeconds(Math.Max(0, options.Value.SweepGraceSeconds));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var scheduler = scope.ServiceProvider.GetRequiredService<IReplyScheduler>();
        var now = time.GetUtcNow().UtcDateTime;
        var askedBefore = now - Grace;
        var due = await db.Conversations.AsNoTracking()
            .Where(c => c.ReplyPending
                && (c.ReplyLeaseUntil == null || c.ReplyLeaseUntil < now)
                && (c.ReplyRetryAt == null || c.ReplyRetryAt <= now)
                && (c.ReplyRequestedAt == null || c.ReplyRequestedAt < askedBefore || c.ReplyAttempts > 0))
            .OrderBy(c => c.ReplyRequestedAt)
            .Select(c => c.Id)
            .Take(500)
            .ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            scheduler.ScheduleReply(id);
        }

        if (due.Count > 0)
        {
            LogRescheduled(logger, due.Count);
        }

        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled {Count} pending repl(ies) that no job was working on")]
    private static partial void LogRescheduled(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for pending replies failed; trying again shortly")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
