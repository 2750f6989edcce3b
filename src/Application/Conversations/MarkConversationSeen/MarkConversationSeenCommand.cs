using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.MarkConversationSeen;

/// <summary>
/// An operator opened a conversation a person answers: the customer sees their messages read (blue ticks), as a person
/// reading them would, without a typing indicator. Best effort: nothing is stored, a failure is logged by the sender.
/// </summary>
public sealed record MarkConversationSeenCommand(Guid ConversationId) : ICommand;

internal sealed class MarkConversationSeenCommandHandler(IApplicationDbContext db, IWhatsAppSender sender, ISecretProtector protector)
    : ICommandHandler<MarkConversationSeenCommand>
{
    public async ValueTask<Unit> Handle(MarkConversationSeenCommand command, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == command.ConversationId, cancellationToken);
        if (conversation is not { Mode: ConversationMode.Human })
        {
            return Unit.Value;
        }

        var latest = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversation.Id && m.Direction == MessageDirection.Inbound && m.WhatsAppMessageId != null && m.Type != Message.CallType)
            .OrderByDescending(m => m.Timestamp).Select(m => m.WhatsAppMessageId).FirstOrDefaultAsync(cancellationToken);
        if (latest is not null)
        {
            var number = await db.WhatsAppNumbers.AsNoTracking().FirstAsync(n => n.Id == conversation.WhatsAppNumberId, cancellationToken);
            await sender.MarkSeenAsync(number.ToSender(protector), latest, cancellationToken);
        }

        return Unit.Value;
    }
}
