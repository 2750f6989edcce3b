using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.ResumeConversation;

/// <summary>
/// The agent answers the conversation again. It answers, in one reply, the customer messages nobody answered that are
/// still inside the 24-hour window; older ones are left as they are.
/// </summary>
public sealed record ResumeConversationCommand(Guid ConversationId, string By, string? Reason = null) : ICommand<ConversationDto>;

internal sealed class ResumeConversationCommandHandler(IApplicationDbContext db, IReplyScheduler scheduler, TimeProvider time)
    : ICommandHandler<ResumeConversationCommand, ConversationDto>
{
    public async ValueTask<ConversationDto> Handle(ResumeConversationCommand command, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == command.ConversationId, cancellationToken)
            ?? throw new NotFoundException("Conversation", command.ConversationId);
        var now = time.GetUtcNow().UtcDateTime;
        var scheduled = false;
        await db.UpdateAsync(conversation, async c =>
        {
            scheduled = await db.ResumeAgentAsync(c, command.By, command.Reason ?? "An operator handed the conversation back.", now, cancellationToken);
            return true;
        }, cancellationToken);
        if (scheduled)
        {
            scheduler.ScheduleReply(conversation.Id);
        }

        return await db.Conversations.AsNoTracking().Where(c => c.Id == conversation.Id).ProjectToDto().FirstAsync(cancellationToken);
    }
}

internal static class Resumes
{
    /// <summary>
    /// Hands the conversation back; messages that waited and fell out of the window are closed (no free text may answer
    /// them), the rest are asked a reply for. Returns whether a reply is owed. The caller saves.
    /// </summary>
    public static async Task<bool> ResumeAgentAsync(
        this IApplicationDbContext db, Conversation conversation, string by, string reason, DateTime now, CancellationToken cancellationToken)
    {
        if (!conversation.ResumeAgent(by, reason, now))
        {
            return false;
        }

        var windowStart = now - Conversation.ServiceWindow;
        var waiting = await db.Messages
            .Where(m => m.ConversationId == conversation.Id && m.Direction == MessageDirection.Inbound && m.NeedsReply && m.AnsweredAt == null)
            .ToListAsync(cancellationToken);
        var stale = waiting.Where(m => m.Timestamp <= windowStart).ToList();
        stale.ForEach(m => m.MarkAnswered(now));
        if (waiting.Count == stale.Count)
        {
            return false;
        }

        conversation.RequestReply(now);
        return true;
    }
}
