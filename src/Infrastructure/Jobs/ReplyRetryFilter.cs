using CleanAgent.Application.Replies;
using Hangfire.States;

namespace CleanAgent.Infrastructure.Jobs;

/// <summary>
/// A reply job that ends deferred is scheduled again at the conversation's retry time (the one retry clock), and one
/// that Meta refused for good ends Failed, so the dashboard shows both with the reason.
/// </summary>
internal sealed class ReplyRetryFilter(TimeProvider time) : IElectStateFilter
{
    public void OnStateElection(ElectStateContext context)
    {
        if (context.CandidateState is not SucceededState { Result: ReplyOutcome outcome })
        {
            return;
        }

        switch (outcome.Kind)
        {
            case ReplyOutcomeKind.Deferred:
                var wait = (outcome.RetryAt ?? time.GetUtcNow().UtcDateTime.AddMinutes(1)) - time.GetUtcNow().UtcDateTime;
                context.CandidateState = new ScheduledState(wait < TimeSpan.Zero ? TimeSpan.Zero : wait) { Reason = Clip(outcome.Error) };
                break;
            case ReplyOutcomeKind.Failed:
                context.CandidateState = new FailedState(new ReplyFailedException(outcome.Error ?? "The reply failed.")) { Reason = Clip(outcome.Error) };
                break;
        }
    }

    private static string? Clip(string? text) => text is { Length: > 500 } ? text[..500] : text;
}
