using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Calls.RecordCallTurn;

/// <summary>Stores words the agent said on a call outside a turn (the greeting, a goodbye) in the conversation.</summary>
public sealed record RecordCallTurnCommand(Guid ConversationId, string Text) : ICommand;

internal sealed class RecordCallTurnCommandHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<RecordCallTurnCommand>
{
    public async ValueTask<Unit> Handle(RecordCallTurnCommand command, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == command.ConversationId, cancellationToken);
        db.Messages.Add(Message.CallTurn(conversation, fromCustomer: false, command.Text, time.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
