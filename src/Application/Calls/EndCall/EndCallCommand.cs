using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Calls.EndCall;

/// <summary>
/// Records how a call ended on our side (<c>completed</c>, <c>rejected</c>, <c>failed</c>) and how long it lasted; Meta's
/// own terminate event, stored by the webhook, may still refine it.
/// </summary>
public sealed record EndCallCommand(Guid NumberId, string CallId, string Outcome, int? DurationSeconds) : ICommand;

internal sealed class EndCallCommandHandler(IApplicationDbContext db) : ICommandHandler<EndCallCommand>
{
    public async ValueTask<Unit> Handle(EndCallCommand command, CancellationToken cancellationToken)
    {
        var call = await db.Messages
            .FirstOrDefaultAsync(m => m.WhatsAppNumberId == command.NumberId && m.WhatsAppMessageId == command.CallId && m.Type == Message.CallType, cancellationToken);
        if (call is not null)
        {
            call.ApplyCallEvent(command.Outcome, command.DurationSeconds, connectRawJson: null);
            await db.SaveChangesAsync(cancellationToken);
        }

        return Unit.Value;
    }
}
