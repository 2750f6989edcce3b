using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Calls.RecordCallAnswered;

/// <summary>
/// Marks a call live once Meta accepted our answer; its lease starts now (see <see cref="Message.RecordCallAnswered"/>).
/// False when the call ended meanwhile (Meta's terminate, or another instance ended it as lost).
/// </summary>
public sealed record RecordCallAnsweredCommand(Guid CallMessageId) : ICommand<bool>;

internal sealed class RecordCallAnsweredCommandHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<RecordCallAnsweredCommand, bool>
{
    public async ValueTask<bool> Handle(RecordCallAnsweredCommand command, CancellationToken cancellationToken)
    {
        var call = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == command.CallMessageId, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return call is not null
            && await db.TryChangeCallAsync(call, c => c.RecordCallAnswered(now), heldHere: true, cancellationToken);
    }
}
