using System.ComponentModel;
using CleanAgent.Application.Replies;
using CleanAgent.Application.Replies.ReplyToConversation;
using Hangfire;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.Infrastructure.Jobs;

/// <summary>The Hangfire job: a thin shell that sends one command in its own scope.</summary>
public sealed class ReplyToConversationJob(IServiceScopeFactory scopes)
{
    [DisplayName("Reply to conversation {0}")]
    [AutomaticRetry(Attempts = 10, DelaysInSeconds = [5, 15, 30, 60, 120, 300, 600, 900, 1800, 1800], ExceptOn = [typeof(ReplyFailedException)])]
    public async Task RunAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        await sender.Send(new ReplyToConversationCommand(conversationId), cancellationToken);
    }
}
