using System.ComponentModel;
using CleanAgent.Application.Replies;
using CleanAgent.Application.Replies.ReplyToConversation;
using Hangfire;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.Infrastructure.Jobs;

/// <summary>
/// The Hangfire job: a thin shell that sends one command in its own scope. It runs a reply's retries (first attempts
/// run in-process, see <see cref="ReplyDispatcher"/>). Hangfire's own retry is off: the conversation's retry clock is
/// the only one, and <see cref="ReplyRetryFilter"/> moves a deferred run to that time. A failed run was logged once by the
/// step that failed, so Hangfire does not log it again.
/// </summary>
public sealed class ReplyToConversationJob(IServiceScopeFactory scopes)
{
    [DisplayName("Reply to conversation {0}")]
    [AutomaticRetry(Attempts = 0, LogEvents = false)]
    public async Task<ReplyOutcome> RunAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        return await sender.Send(new ReplyToConversationCommand(conversationId), cancellationToken);
    }
}
