using System.Threading.Channels;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Application.Replies.ReplyToConversation;
using CleanAgent.Infrastructure.Persistence;
using Hangfire;
using Hangfire.States;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Jobs;

/// <summary>
/// Runs first attempts of replies in the process, as asynchronous tasks: a reply waiting for the model or for its
/// number's pace holds no thread, and <see cref="ReplyOptions.MaxConcurrentReplies"/> (not a worker count) bounds how
/// many customers are answered at once. Work is taken round-robin across numbers, and one number holds at most
/// <see cref="ReplyOptions.MaxConcurrentRepliesPerNumber"/> runs, so one number's backlog never delays another's answer.
/// A run that is deferred or fails goes to Hangfire (a scheduled job at the conversation's retry time, or a failed
/// job), where the dashboard shows it and retries it; see docs/adr/004-reply-steps-and-dispatcher.md.
/// The database stays the record of what is owed: a reply lost here (the process stops) is found by the sweeper.
/// </summary>
internal sealed partial class ReplyDispatcher(
    IServiceScopeFactory scopes,
    IBackgroundJobClient jobs,
    IOptions<ReplyOptions> options,
    TimeProvider time,
    ILogger<ReplyDispatcher> logger) : BackgroundService, IReplyScheduler
{
    private const int MaxKnownConversations = 100_000;

    /// <summary>Conversations asked for (Done = false) and runs finished (Done = true), read by one loop that owns the state below.</summary>
    private readonly Channel<(Guid Id, bool Done)> _events = Channel.CreateUnbounded<(Guid, bool)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<Guid, Guid> _numberOf = [];
    private readonly Dictionary<Guid, Lane> _lanes = [];
    private readonly LinkedList<Lane> _turns = new();
    private readonly HashSet<Guid> _queued = [];
    private readonly Dictionary<Guid, Lane> _running = [];
    private readonly HashSet<Guid> _askedAgain = [];
    private int _runningCount;

    public void ScheduleReply(Guid conversationId) => _events.Writer.TryWrite((conversationId, false));

    /// <summary>Runs in flight now.</summary>
    public int Running => Volatile.Read(ref _runningCount);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var asked = new List<Guid>();
        while (await _events.Reader.WaitToReadAsync(stoppingToken))
        {
            asked.Clear();
            while (_events.Reader.TryRead(out var e))
            {
                if (e.Done)
                {
                    Finish(e.Id);
                }
                else if (_running.ContainsKey(e.Id))
                {
                    // Asked while its run goes on: that run may have read the conversation before the new message.
                    _askedAgain.Add(e.Id);
                }
                else if (!_queued.Contains(e.Id))
                {
                    asked.Add(e.Id);
                }
            }

            if (asked.Count > 0)
            {
                await QueueAsync(asked.Distinct().ToList(), stoppingToken);
            }

            StartRuns(stoppingToken);
        }
    }

    private async Task QueueAsync(List<Guid> asked, CancellationToken stoppingToken)
    {
        await LearnNumbersAsync(asked.Where(id => !_numberOf.ContainsKey(id)).ToList(), stoppingToken);
        foreach (var id in asked)
        {
            if (!_numberOf.TryGetValue(id, out var numberId))
            {
                continue; // deleted meanwhile, or the look-up failed (the sweeper asks again)
            }

            if (!_lanes.TryGetValue(numberId, out var lane))
            {
                lane = new Lane(numberId);
                _lanes[numberId] = lane;
            }

            lane.Waiting.Enqueue(id);
            _queued.Add(id);
            lane.Turn ??= _turns.AddLast(lane);
        }
    }

    /// <summary>Which number each conversation belongs to: it never changes, so it is read once per conversation.</summary>
    private async Task LearnNumbersAsync(List<Guid> unknown, CancellationToken stoppingToken)
    {
        if (unknown.Count == 0)
        {
            return;
        }

        if (_numberOf.Count + unknown.Count > MaxKnownConversations)
        {
            _numberOf.Clear();
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            foreach (var chunk in unknown.Chunk(500))
            {
                var pairs = await db.Conversations.AsNoTracking().Where(c => chunk.Contains(c.Id))
                    .Select(c => new { c.Id, c.WhatsAppNumberId }).ToListAsync(stoppingToken);
                pairs.ForEach(p => _numberOf[p.Id] = p.WhatsAppNumberId);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLookupFailed(logger, unknown.Count, ex);
        }
    }

    /// <summary>Starts runs while slots are free, taking the numbers in turn.</summary>
    private void StartRuns(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var perNumber = Math.Max(1, settings.MaxConcurrentRepliesPerNumber);
        var skipped = 0;
        while (_running.Count < Math.Max(1, settings.MaxConcurrentReplies) && _turns.First is { } turn && skipped < _turns.Count)
        {
            _turns.RemoveFirst();
            var lane = turn.Value;
            if (lane.Running >= perNumber)
            {
                // Its share is used up: it waits for one of its runs to finish while the other numbers go ahead.
                _turns.AddLast(turn);
                skipped++;
                continue;
            }

            skipped = 0;
            var id = lane.Waiting.Dequeue();
            _queued.Remove(id);
            lane.Running++;
            _running[id] = lane;
            Interlocked.Increment(ref _runningCount);
            _ = RunAsync(id, stoppingToken);
            if (lane.Waiting.Count > 0)
            {
                _turns.AddLast(turn);
            }
            else
            {
                lane.Turn = null;
            }
        }
    }

    private void Finish(Guid id)
    {
        if (!_running.Remove(id, out var lane))
        {
            return;
        }

        Interlocked.Decrement(ref _runningCount);
        lane.Running--;
        if (lane.Running == 0 && lane.Waiting.Count == 0)
        {
            _lanes.Remove(lane.NumberId);
        }

        if (_askedAgain.Remove(id))
        {
            _events.Writer.TryWrite((id, false));
        }
    }

    private async Task RunAsync(Guid conversationId, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var outcome = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ReplyToConversationCommand(conversationId), stoppingToken);
            HandOver(conversationId, outcome);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the conversation's lease runs out and another instance (or this one after a restart) answers.
        }
        catch (Exception ex)
        {
            LogRunFailed(logger, conversationId, ex);
        }
        finally
        {
            _events.Writer.TryWrite((conversationId, true));
        }
    }

    /// <summary>What the in-process run could not finish becomes a Hangfire job, so that the dashboard shows it.</summary>
    private void HandOver(Guid conversationId, ReplyOutcome outcome)
    {
        try
        {
            switch (outcome.Kind)
            {
                case ReplyOutcomeKind.Deferred:
                    var delay = (outcome.RetryAt ?? time.GetUtcNow().UtcDateTime.AddSeconds(options.Value.LeaseSeconds)) - time.GetUtcNow().UtcDateTime;
                    jobs.Create<ReplyToConversationJob>(
                        job => job.RunAsync(conversationId, CancellationToken.None),
                        new ScheduledState(delay < TimeSpan.Zero ? TimeSpan.Zero : delay) { Reason = Clip(outcome.Error) });
                    break;
                case ReplyOutcomeKind.Failed:
                    jobs.Create<ReplyToConversationJob>(
                        job => job.RunAsync(conversationId, CancellationToken.None),
                        new FailedState(new ReplyFailedException(outcome.Error ?? "The reply failed.")) { Reason = Clip(outcome.Error) });
                    break;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The conversation's retry clock is committed; the sweeper takes it up when it is due.
            LogHandOverFailed(logger, conversationId, ex);
        }
    }

    private static string? Clip(string? text) => text is { Length: > 500 } ? text[..500] : text;

    private sealed class Lane(Guid numberId)
    {
        public Guid NumberId { get; } = numberId;
        public Queue<Guid> Waiting { get; } = new();
        public int Running { get; set; }
        public LinkedListNode<Lane>? Turn { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look up the numbers of {Count} conversation(s) to answer; the pending-reply sweeper asks for them again")]
    private static partial void LogLookupFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The reply run of conversation {ConversationId} failed; the pending-reply sweeper takes it up again")]
    private static partial void LogRunFailed(ILogger logger, Guid conversationId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand the reply of conversation {ConversationId} to Hangfire; the pending-reply sweeper takes it up when it is due")]
    private static partial void LogHandOverFailed(ILogger logger, Guid conversationId, Exception exception);
}
