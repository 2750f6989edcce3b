using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Calls.RecordCallAnswered;

/// <summary>Marks a call live once Meta accepted our answer; its lease starts now (see <see cref="Message.RecordCallAnswered"/>).</summary>
/// <returns>The call message's id, whose lease the live call renews; null when the call is not stored.</returns>
public sealed record RecordCallAnsweredCommand(Guid NumberId, string CallId) : ICommand<Guid?>;

internal sealed class RecordCallAnsweredCommandHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<RecordCallAnsweredCommand, Guid?>
{
    public async ValueTask<Guid?> Handle(RecordCallAnsweredCommand command, CancellationToken cancellationToken)
    {
        var call = await db.Messages
            .FirstOrDefaultAsync(m => m.WhatsAppNumberId == command.NumberId && m.WhatsAppMessageId == command.CallId && m.Type == Message.CallType, cancellationToken);
        if (call is not null)
        {
            call.RecordCallAnswered(time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
        }

        return call?.Id;
    }
}
