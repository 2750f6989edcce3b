using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Calls.EndCall;

/// <summary>
/// Records how a call ended on our side (<c>completed</c>, <c>rejected</c>, <c>failed</c>), how long it lasted and, for a call
/// refused or cut short, why; Meta's own terminate event, stored by the webhook, may still refine it.
/// </summary>
public sealed record EndCallCommand(Guid NumberId, string CallId, string Outcome, int? DurationSeconds, string? Reason = null) : ICommand;

internal sealed class EndCallCommandHandler(IApplicationDbContext db) : ICommandHandler<EndCallCommand>
{
    public async ValueTask<Unit> Handle(EndCallCommand command, CancellationToken cancellationToken)
    {
        var call = await db.Messages
            .FirstOrDefaultAsync(m => m.WhatsAppNumberId == command.NumberId && m.WhatsAppMessageId == command.CallId && m.Type == Message.CallType, cancellationToken);
        if (call is not null)
        {
            call.RecordCallEnd(command.Outcome, command.DurationSeconds, command.Reason);
            await db.SaveChangesAsync(cancellationToken);
        }

        return Unit.Value;
    }
}
