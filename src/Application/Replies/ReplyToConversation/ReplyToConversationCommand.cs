using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies.ClaimConversation;
using CleanAgent.Application.Replies.DecideReply;
using CleanAgent.Application.Replies.DeferReply;
using CleanAgent.Application.Replies.DeliverOutbox;
using CleanAgent.Application.Replies.GenerateReply;
using CleanAgent.Application.Replies.PrepareReply;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Application.Replies.ReplyToConversation;

/// <summary>
/// One run of a conversation's reply, as a sequence of steps with committed state between them:
/// claim → decide → prepare (media fetched, voice notes transcribed) → generate and render into the outbox → deliver, round after round while the customer keeps writing.
/// A transient failure sets the conversation's retry clock and ends the run (<see cref="ReplyOutcomeKind.Deferred"/>).
/// </summary>
public sealed record ReplyToConversationCommand(Guid ConversationId) : ICommand<ReplyOutcome>, IBackgroundCommand;

internal sealed partial class ReplyToConversationCommandHandler(ISender steps, TimeProvider time, ILogger<ReplyToConversationCommandHandler> logger)
    : ICommandHandler<ReplyToConversationCommand, ReplyOutcome>
{
    private const int MaxRounds = 20;

    public async ValueTask<ReplyOutcome> Handle(ReplyToConversationCommand command, CancellationToken cancellationToken)
    {
        var id = command.ConversationId;
        var owner = Guid.NewGuid();
        if (!await steps.Send(new ClaimConversationCommand(id, owner), cancellationToken))
        {
            return ReplyOutcome.NotClaimed;
        }

        try
        {
            return await RunAsync(id, owner, cancellationToken);
        }
        catch (ReplyDeferredException ex)
        {
            return await DeferAsync(id, owner, ex.Message, ex.RetryAfter);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnexpected(logger, id, ex);
            return await DeferAsync(id, owner, $"Unexpected {ex.GetType().Name}: {ex.Message}", null);
        }
    }

    private async Task<ReplyOutcome> RunAsync(Guid id, Guid owner, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        for (var round = 0; round < MaxRounds; round++)
        {
            var decision = await steps.Send(new DecideReplyCommand(id, owner, waited), cancellationToken);
            switch (decision.Kind)
            {
                case ReplyDecisionKind.Done:
                    return ReplyOutcome.Finished;
                case ReplyDecisionKind.Lost:
                    return ReplyOutcome.Lost;
                case ReplyDecisionKind.Again:
                    continue;
                case ReplyDecisionKind.Wait:
                    await Task.Delay(decision.WaitFor, time, cancellationToken);
                    waited += decision.WaitFor;
                    continue;
                case ReplyDecisionKind.Answer:
                    if (!await steps.Send(new PrepareReplyCommand(id, owner, decision.AgentId, decision.MessageIds!), cancellationToken)
                        || !await steps.Send(new GenerateReplyCommand(id, owner, decision.AgentId, decision.MessageIds!), cancellationToken))
                    {
                        return ReplyOutcome.Lost;
                    }

                    break;
            }

            var delivery = await steps.Send(new DeliverOutboxCommand(id, owner), cancellationToken);
            switch (delivery.Kind)
            {
                case DeliveryResultKind.Completed:
                    return ReplyOutcome.Finished;
                case DeliveryResultKind.Lost:
                    return ReplyOutcome.Lost;
                case DeliveryResultKind.Failed:
                    return ReplyOutcome.Failed(delivery.Error!);
            }
        }

        throw new ReplyDeferredException("Customers kept writing while the reply was produced; the next attempt answers the rest.");
    }

    /// <summary>Sets the retry clock; the failure is logged here, once, as the transient fault it is.</summary>
    private async Task<ReplyOutcome> DeferAsync(Guid id, Guid owner, string error, TimeSpan? retryAfter)
    {
        DateTime? retryAt = null;
        try
        {
            retryAt = await steps.Send(new DeferReplyCommand(id, owner, error, retryAfter), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease runs out by itself; the sweeper takes the conversation up again then.
            LogDeferFailed(logger, id, ex.GetType().Name);
        }

        LogDeferred(logger, id, error, retryAt);
        return ReplyOutcome.Deferred(retryAt, error);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reply of conversation {ConversationId} is deferred: {Error}; next attempt at {RetryAt:o}")]
    private static partial void LogDeferred(ILogger logger, Guid conversationId, string error, DateTime? retryAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the failed attempt of conversation {ConversationId} ({Error}); its lease runs out by itself")]
    private static partial void LogDeferFailed(ILogger logger, Guid conversationId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The reply of conversation {ConversationId} failed unexpectedly; it is tried again later")]
    private static partial void LogUnexpected(ILogger logger, Guid conversationId, Exception exception);
}
