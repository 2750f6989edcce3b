using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Calls.EndLostCalls;

/// <summary>
/// Ends the calls lost with the process that held them (a restart or a crash): answered, never ended, and with a lease
/// nobody renewed for <paramref name="Lease"/>. Each is stored as <c>interrupted</c>, lasting until its last known turn.
/// Answers with the calls to end with Meta too (<c>terminate</c>), which the caller does after this commit.
/// </summary>
public sealed record EndLostCallsCommand(TimeSpan Lease) : ICommand<IReadOnlyList<LostCall>>;

/// <summary>A call that was lost and is now ended in the database; Meta may not know yet.</summary>
public sealed record LostCall(SenderNumber Number, string CallId, int DurationSeconds);

internal sealed class EndLostCallsCommandHandler(IApplicationDbContext db, ISecretProtector protector, TimeProvider time)
    : ICommandHandler<EndLostCallsCommand, IReadOnlyList<LostCall>>
{
    public async ValueTask<IReadOnlyList<LostCall>> Handle(EndLostCallsCommand command, CancellationToken cancellationToken)
    {
        var expiredBefore = time.GetUtcNow().UtcDateTime - command.Lease;
        var calls = await db.Messages
            .Where(m => m.Type == Message.CallType && m.Direction == MessageDirection.Inbound && m.CallStatus == "accepted"
                && (m.StatusAt ?? m.Timestamp) < expiredBefore)
            .OrderBy(m => m.StatusAt ?? m.Timestamp) // the longest lost first; without an order the batch is the database's pick
            .ThenBy(m => m.Id)
            .Take(100)
            .ToListAsync(cancellationToken);
        if (calls.Count == 0)
        {
            return [];
        }

        var lost = new List<LostCall>();
        foreach (var call in calls.Where(c => c.IsLostCall(expiredBefore)))
        {
            var lastTurnAt = await db.Messages
                .Where(m => m.ConversationId == call.ConversationId && m.Type == Message.CallTurnType && m.CreatedAt >= call.Timestamp)
                .MaxAsync(m => (DateTime?)m.CreatedAt, cancellationToken);
            call.InterruptCall(lastTurnAt, Message.CallCutOff);
            var number = await db.WhatsAppNumbers.AsNoTracking().FirstOrDefaultAsync(n => n.Id == call.WhatsAppNumberId, cancellationToken);
            if (number is not null)
            {
                lost.Add(new LostCall(number.ToSender(protector), call.WhatsAppMessageId!, call.CallDurationSeconds ?? 0));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return lost;
    }
}
