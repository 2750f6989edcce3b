using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Replies.DeferReply;

/// <summary>
/// A run failed for a reason that may pass (the model or Meta unavailable): the conversation is freed and its retry
/// clock set. Returns when the next attempt is due; null when another run holds the conversation.
/// </summary>
public sealed record DeferReplyCommand(Guid ConversationId, Guid Owner, string Error, TimeSpan? RetryAfter) : ICommand<DateTime?>, IBackgroundCommand;

internal sealed class DeferReplyCommandHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<DeferReplyCommand, DateTime?>
{
    public async ValueTask<DateTime?> Handle(DeferReplyCommand command, CancellationToken cancellationToken)
    {
        db.DiscardChanges();
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == command.ConversationId, cancellationToken);
        DateTime? retryAt = null;
        if (conversation is not null)
        {
            await db.UpdateAsync(
                conversation,
                c => (retryAt = c.DeferReply(command.Owner, command.Error, time.GetUtcNow().UtcDateTime, command.RetryAfter)) is not null,
                cancellationToken);
        }

        return retryAt;
    }
}
