using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Calls.RecordCallPreAccepted;

/// <summary>
/// Meta took our answer's media connection (<c>pre_accept</c>): should this process be lost now, the call is ended with
/// <c>terminate</c>, not <c>reject</c>. False when the call is no longer this process's to answer (it ended meanwhile).
/// </summary>
public sealed record RecordCallPreAcceptedCommand(Guid CallMessageId) : ICommand<bool>;

internal sealed class RecordCallPreAcceptedCommandHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<RecordCallPreAcceptedCommand, bool>
{
    public async ValueTask<bool> Handle(RecordCallPreAcceptedCommand command, CancellationToken cancellationToken)
    {
        var call = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == command.CallMessageId, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return call is not null
            && await db.TryChangeCallAsync(call, c => c.TryRecordCallPreAccepted(now), heldHere: true, cancellationToken);
    }
}
