using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Domain.Conversations;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations;

/// <summary>What an operator's text and a template have in common: the outbox, the takeover, the Idempotency-Key.</summary>
internal static class OperatorSends
{
    /// <summary>The message an earlier request with the same key sent from this number; null when there was none.</summary>
    public static async Task<MessageDto?> FindSentWithKeyAsync(this IApplicationDbContext db, Guid numberId, string? key, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(key)
            ? null
            : await db.Messages.AsNoTracking().Where(m => m.WhatsAppNumberId == numberId && m.IdempotencyKey == key).ProjectToDto().FirstOrDefaultAsync(cancellationToken);

    /// <summary>A person may write only to an addressable customer, and only inside the 24-hour window (a template is needed outside it): 409 otherwise.</summary>
    public static void EnsureOperatorCanWrite(this Conversation conversation, DateTime now)
    {
        if (conversation.IsUnidentified)
        {
            throw new ConflictException("This conversation holds messages with no usable sender; nobody can be answered from it.");
        }

        if (!conversation.IsWithinServiceWindow(now))
        {
            throw new ConflictException(
                "The 24-hour customer service window is closed: WhatsApp allows only an approved template now. Send one with POST /api/whatsapp-numbers/{id}/templates/send.");
        }
    }

    /// <summary>The operator's message answers what waited and takes the conversation over; the delivery is asked for.</summary>
    public static async Task TakeOverForReplyAsync(this IApplicationDbContext db, Conversation conversation, string by, DateTime now, CancellationToken cancellationToken)
    {
        await db.HandToHumanAsync(conversation, by, "An operator replied.", now, cancellationToken);
        var waiting = await db.Messages
            .Where(m => m.ConversationId == conversation.Id && m.Direction == MessageDirection.Inbound && m.NeedsReply && m.AnsweredAt == null)
            .ToListAsync(cancellationToken);
        waiting.ForEach(m => m.MarkAnswered(now));
        conversation.RecordOperatorReply(by, now);
    }

    /// <summary>
    /// Commits the message with <paramref name="change"/> to its conversation (applied again to fresh values when a reply
    /// run or a webhook changed the conversation meanwhile) and schedules its delivery. A concurrent request with the
    /// same key loses on the unique index: it answers with the winner's message and sends nothing.
    /// </summary>
    public static async Task<MessageDto> SaveOnceAsync(
        this IApplicationDbContext db, Conversation conversation, Message message, Func<Conversation, Task> change, IReplyScheduler scheduler, CancellationToken cancellationToken)
    {
        try
        {
            await db.UpdateAsync(conversation, async c =>
            {
                await change(c);
                return true;
            }, cancellationToken);
        }
        catch (DbUpdateException) when (message.IdempotencyKey is not null)
        {
            db.DiscardChanges();
            return await db.FindSentWithKeyAsync(message.WhatsAppNumberId, message.IdempotencyKey, cancellationToken) ?? throw new InvalidOperationException("The message could not be stored.");
        }

        // Read before the delivery is asked for: the answer shows the message as queued, whatever the delivery does next.
        var queued = await db.Messages.AsNoTracking().Where(m => m.Id == message.Id).ProjectToDto().FirstAsync(cancellationToken);
        scheduler.ScheduleReply(message.ConversationId);
        return queued;
    }
}
