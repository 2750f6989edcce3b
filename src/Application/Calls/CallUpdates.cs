using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Calls;

/// <summary>
/// Changes to a call message that only one process may make: taking a ringing call, recording its answer, ending it
/// when its process was lost. The change is written by one conditional UPDATE that matches only while the call still
/// has the status and lease it was read with, so of two instances racing for the same call exactly one wins.
/// </summary>
internal static class CallUpdates
{
    /// <summary>
    /// Applies <paramref name="change"/> to <paramref name="call"/> (read with <c>AsNoTracking</c>) and stores it unless the
    /// stored call changed since it was read. False when the change does not apply or another writer got there first.
    /// The process that holds the call guards on its status only
    /// (its own lease renewals move the lease meanwhile); any other process guards on the lease too, because a renewed
    /// lease means the holder is alive.
    /// </summary>
    public static async Task<bool> TryChangeCallAsync(
        this IApplicationDbContext db, Message call, Func<Message, bool> change, bool heldHere, CancellationToken cancellationToken)
    {
        var (id, seenStatus, seenLease) = (call.Id, call.CallStatus, call.StatusAt);
        if (!change(call))
        {
            return false;
        }

        var stored = db.Messages.Where(m => m.Id == id && m.CallStatus == seenStatus);
        if (!heldHere)
        {
            stored = stored.Where(m => m.StatusAt == seenLease);
        }

        var updated = await stored.ExecuteUpdateAsync(
                s => s.SetProperty(m => m.CallStatus, call.CallStatus)
                    .SetProperty(m => m.StatusAt, call.StatusAt)
                    .SetProperty(m => m.CallDurationSeconds, call.CallDurationSeconds)
                    .SetProperty(m => m.ErrorTitle, call.ErrorTitle),
                cancellationToken);
        return updated == 1;
    }

    /// <summary>The call message of a call id on a number, untracked (for <see cref="TryChangeCallAsync"/>).</summary>
    public static Task<Message?> FindCallAsync(this IApplicationDbContext db, Guid numberId, string callId, CancellationToken cancellationToken) =>
        db.Messages.AsNoTracking()
            .FirstOrDefaultAsync(m => m.WhatsAppNumberId == numberId && m.WhatsAppMessageId == callId && m.Type == Message.CallType, cancellationToken);
}
