using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Calls.EndLostCalls;

/// <summary>
/// Ends the calls lost with the process that held them (a restart or a crash): calls never ended whose lease nobody
/// renewed for <paramref name="Lease"/>, whether answered, pre-accepted, taken while ringing, or never taken at all
/// (see <see cref="Message.EndLostCall"/>). Each end is one conditional UPDATE: of two instances ending the same call,
/// only the one whose UPDATE matched gets it back. Answers with the calls to end with Meta too (<c>terminate</c> or
/// <c>reject</c>), which the caller does after this.
/// </summary>
public sealed record EndLostCallsCommand(TimeSpan Lease) : ICommand<IReadOnlyList<LostCall>>
{
    /// <summary>SQL tag of the query that finds the lost calls.</summary>
    public const string FindTag = "calls: find lost calls";
}

/// <summary>A call that was lost and is now ended in the database; Meta may not know yet.</summary>
public sealed record LostCall(SenderNumber Number, string CallId, LostCallAction Action, int DurationSeconds);

internal sealed class EndLostCallsCommandHandler(IApplicationDbContext db, ISecretProtector protector, TimeProvider time)
    : ICommandHandler<EndLostCallsCommand, IReadOnlyList<LostCall>>
{
    public async ValueTask<IReadOnlyList<LostCall>> Handle(EndLostCallsCommand command, CancellationToken cancellationToken)
    {
        var expiredBefore = time.GetUtcNow().UtcDateTime - command.Lease;
        var calls = await db.Messages.AsNoTracking()
            .TagWith(EndLostCallsCommand.FindTag)
            .Where(m => m.Type == Message.CallType && m.Direction == MessageDirection.Inbound
                && (m.CallStatus == null || m.CallStatus == Message.CallRinging || m.CallStatus == Message.CallPreAccepted || m.CallStatus == Message.CallAccepted)
                && (m.StatusAt ?? m.CreatedAt) < expiredBefore)
            .OrderBy(m => m.CreatedAt) // the longest lost first; without an order the batch is the database's pick
            .ThenBy(m => m.Id)
            .Take(100)
            .ToListAsync(cancellationToken);
        var lost = new List<LostCall>();
        foreach (var call in calls.Where(c => c.IsLostCall(expiredBefore)))
        {
            var lastTurnAt = await db.Messages
                .Where(m => m.ConversationId == call.ConversationId && m.Type == Message.CallTurnType && m.CreatedAt >= call.Timestamp)
                .MaxAsync(m => (DateTime?)m.CreatedAt, cancellationToken);
            var action = LostCallAction.Reject;
            var ended = await db.TryChangeCallAsync(
                call, c => { action = c.EndLostCall(lastTurnAt); return true; }, heldHere: false, cancellationToken);
            if (!ended)
            {
                continue; // another instance ended it first, or it was renewed or ended meanwhile
            }

            var number = await db.WhatsAppNumbers.AsNoTracking().FirstOrDefaultAsync(n => n.Id == call.WhatsAppNumberId, cancellationToken);
            if (number is not null)
            {
                lost.Add(new LostCall(number.ToSender(protector), call.WhatsAppMessageId!, action, call.CallDurationSeconds ?? 0));
            }
        }

        return lost;
    }
}
