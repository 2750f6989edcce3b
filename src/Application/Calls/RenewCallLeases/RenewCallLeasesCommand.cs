using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Calls.RenewCallLeases;

/// <summary>The calls this process holds live are still live: their leases are renewed, so no other process ends them.</summary>
public sealed record RenewCallLeasesCommand(IReadOnlyCollection<Guid> CallMessageIds) : ICommand;

internal sealed class RenewCallLeasesCommandHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<RenewCallLeasesCommand>
{
    public async ValueTask<Unit> Handle(RenewCallLeasesCommand command, CancellationToken cancellationToken)
    {
        if (command.CallMessageIds.Count == 0)
        {
            return Unit.Value;
        }

        var ids = command.CallMessageIds.ToList();
        var calls = await db.Messages.Where(m => ids.Contains(m.Id) && m.Type == Message.CallType).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var call in calls)
        {
            call.RenewCallLease(now);
        }

        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
