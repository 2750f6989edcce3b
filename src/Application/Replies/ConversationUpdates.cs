using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Replies;

/// <summary>
/// A conversation is changed by its reply run and by every webhook that brings the customer's next message; its
/// version makes the second writer fail. The reply steps save through here: the conversation is read again and the
/// same change applied to the fresh values, while the step's other changes (its messages) stay as they are.
/// </summary>
internal static class ConversationUpdates
{
    private const int MaxConflicts = 20;

    /// <summary>Applies <paramref name="change"/> and saves; false (nothing saved) when the change declines.</summary>
    public static async Task<bool> UpdateAsync(
        this IApplicationDbContext db, Conversation conversation, Func<Conversation, ValueTask<bool>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            if (!await change(conversation))
            {
                return false;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateConcurrencyException)
            {
                await db.ReloadAsync(conversation, cancellationToken);
            }
        }

        throw new ReplyDeferredException("The conversation kept changing; the next attempt finishes it.");
    }

    public static Task<bool> UpdateAsync(this IApplicationDbContext db, Conversation conversation, Func<Conversation, bool> change, CancellationToken cancellationToken) =>
        db.UpdateAsync(conversation, c => ValueTask.FromResult(change(c)), cancellationToken);

    /// <summary>
    /// Before a call that may take up to <paramref name="callTimeout"/> (speech), the run's lease is made to cover the
    /// call and one lease more (for the commit after it), so a slow call never lets another run take the conversation
    /// over; a crash during the call holds the conversation that much longer. A lease that covers it already is not
    /// written again. False when the run lost the conversation.
    /// </summary>
    public static Task<bool> CoverCallAsync(
        this IApplicationDbContext db, Conversation conversation, Guid owner, DateTime now, TimeSpan lease, TimeSpan callTimeout, CancellationToken cancellationToken) =>
        conversation.HoldsLease(owner, now + callTimeout + (lease / 2))
            ? Task.FromResult(true)
            : db.UpdateAsync(conversation, c => c.TryRenewLease(owner, now, callTimeout + lease), cancellationToken);

    /// <summary>Whether customer messages other than <paramref name="except"/> still wait for an answer.</summary>
    public static Task<bool> HasUnansweredAsync(this IApplicationDbContext db, Guid conversationId, IReadOnlyCollection<Guid> except, CancellationToken cancellationToken) =>
        db.Messages.AnyAsync(
            m => m.ConversationId == conversationId && m.Direction == MessageDirection.Inbound && m.NeedsReply && m.AnsweredAt == null
                && !except.Contains(m.Id),
            cancellationToken);
}
