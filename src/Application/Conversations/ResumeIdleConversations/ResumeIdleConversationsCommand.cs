using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Conversations.ResumeConversation;
using CleanAgent.Application.Replies;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Conversations.ResumeIdleConversations;

/// <summary>
/// Conversations a person took over and then left alone for <see cref="HandoffOptions.IdleMinutes"/> go back to the
/// agent, which answers what still waits inside the 24-hour window. Returns how many went back.
/// </summary>
public sealed record ResumeIdleConversationsCommand : ICommand<int>, IBackgroundCommand;

internal sealed class ResumeIdleConversationsCommandHandler(
    IApplicationDbContext db, IReplyScheduler scheduler, IOptions<HandoffOptions> options, TimeProvider time)
    : ICommandHandler<ResumeIdleConversationsCommand, int>
{
    private const int Batch = 100;

    public async ValueTask<int> Handle(ResumeIdleConversationsCommand command, CancellationToken cancellationToken)
    {
        var idle = options.Value.Idle;
        if (idle <= TimeSpan.Zero)
        {
            return 0;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var quietSince = now - idle;
        var candidates = await db.Conversations
            .Where(c => c.Mode == ConversationMode.Human && (c.LastOperatorActivityAt ?? c.ModeChangedAt) <= quietSince)
            .OrderBy(c => c.LastOperatorActivityAt ?? c.ModeChangedAt) // the longest quiet first; a batch needs an order
            .ThenBy(c => c.Id)
            .Take(Batch)
            .ToListAsync(cancellationToken);
        var resumed = 0;
        foreach (var conversation in candidates.Where(c => c.IsIdle(idle, now)))
        {
            var owed = await db.ResumeAgentAsync(conversation, "system", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"No operator activity for {options.Value.IdleMinutes} minutes."), now, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Someone touched it meanwhile (a reply, an operator): the next check looks again.
                db.DiscardChanges();
                continue;
            }

            resumed++;
            if (owed)
            {
                scheduler.ScheduleReply(conversation.Id);
            }
        }

        return resumed;
    }
}
