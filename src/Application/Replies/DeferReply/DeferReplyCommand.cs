using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Replies.DeferReply;

/// <summary>
/// A run failed for a reason that may pass (the model or Meta unavailable): the conversation is freed and its retry
/// clock set. Returns when the next attempt is due; null when another run holds the conversation, or when the attempts
/// ran out (<see cref="HandoffOptions.AfterFailedAttempts"/>): then the conversation waits for a person instead of
/// staying silent.
/// </summary>
public sealed record DeferReplyCommand(Guid ConversationId, Guid Owner, string Error, TimeSpan? RetryAfter) : ICommand<DateTime?>, IBackgroundCommand;

internal sealed partial class DeferReplyCommandHandler(
    IApplicationDbContext db, IOptions<HandoffOptions> handoff, TimeProvider time, ILogger<DeferReplyCommandHandler> logger)
    : ICommandHandler<DeferReplyCommand, DateTime?>
{
    public async ValueTask<DateTime?> Handle(DeferReplyCommand command, CancellationToken cancellationToken)
    {
        db.DiscardChanges();
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == command.ConversationId, cancellationToken);
        DateTime? retryAt = null;
        if (conversation is null)
        {
            return retryAt;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var gaveUp = false;
        var attempts = 0;
        await db.UpdateAsync(
            conversation,
            c =>
            {
                retryAt = c.DeferReply(command.Owner, command.Error, now, command.RetryAfter);
                gaveUp = retryAt is not null && handoff.Value.AfterFailedAttempts > 0 && c.ReplyAttempts >= handoff.Value.AfterFailedAttempts
                    && c.Mode == Domain.Conversations.ConversationMode.Agent;
                if (gaveUp)
                {
                    attempts = c.ReplyAttempts;
                    c.HandToHuman("system", $"The agent could not answer after {c.ReplyAttempts} attempts: {command.Error}", now);
                    c.AwaitHuman();
                    c.CompleteReply(command.Error);
                    retryAt = null;
                }

                return retryAt is not null || gaveUp;
            },
            cancellationToken);
        if (gaveUp)
        {
            LogGaveUp(logger, conversation.Id, attempts);
        }

        return retryAt;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The agent could not answer conversation {ConversationId} in {Attempts} attempts; it waits for a person now")]
    private static partial void LogGaveUp(ILogger logger, Guid conversationId, int attempts);
}
