using System.Threading.Channels;
using CleanAgent.Application.Common.Interfaces;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Infrastructure.Jobs;

/// <summary>
/// Hands reply jobs to Hangfire off the request path. Hangfire's client is synchronous: on PostgreSQL or SQL Server an
/// enqueue is a transaction of its own, which a webhook should not wait for before its 200. The conversation's
/// pending reply is already committed when it is asked for, so a job lost here (the process stops first, the storage
/// refuses it) is found by the pending-reply sweeper.
/// </summary>
internal sealed partial class HangfireReplyScheduler(IBackgroundJobClient jobs, ILogger<HangfireReplyScheduler> logger)
    : BackgroundService, IReplyScheduler
{
    /// <summary>Enqueues at once against a database-backed storage; each holds one connection of Hangfire's pool.</summary>
    private const int ParallelEnqueues = 4;

    private readonly Channel<Guid> _asked = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public void ScheduleReply(Guid conversationId) => _asked.Writer.TryWrite(conversationId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var waiting = new HashSet<Guid>();
        while (await _asked.Reader.WaitToReadAsync(stoppingToken))
        {
            // Several messages of one customer read together need one job: it answers them all.
            while (_asked.Reader.TryRead(out var id))
            {
                waiting.Add(id);
            }

            await Parallel.ForEachAsync(
                waiting,
                new ParallelOptions { MaxDegreeOfParallelism = ParallelEnqueues, CancellationToken = stoppingToken },
                (id, _) =>
                {
                    Enqueue(id);
                    return ValueTask.CompletedTask;
                });
            waiting.Clear();
        }
    }

    private void Enqueue(Guid conversationId)
    {
        try
        {
            jobs.Enqueue<ReplyToConversationJob>(job => job.RunAsync(conversationId, CancellationToken.None));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogEnqueueFailed(logger, conversationId, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue the reply of conversation {ConversationId}; the pending-reply sweeper schedules it shortly")]
    private static partial void LogEnqueueFailed(ILogger logger, Guid conversationId, Exception exception);
}
