using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.DiscardOutboundMessage;

/// <summary>Gives up an outbound message that failed for good: it stays in the history as Discarded and is never sent.</summary>
public sealed record DiscardOutboundMessageCommand(Guid ConversationId, Guid MessageId) : ICommand<MessageDto>;

internal sealed class DiscardOutboundMessageCommandHandler(IApplicationDbContext db, TimeProvider time)
    : ICommandHandler<DiscardOutboundMessageCommand, MessageDto>
{
    public async ValueTask<MessageDto> Handle(DiscardOutboundMessageCommand command, CancellationToken cancellationToken)
    {
        var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == command.MessageId && m.ConversationId == command.ConversationId, cancellationToken)
            ?? throw new NotFoundException("Message", command.MessageId);
        if (!message.TryDiscard(time.GetUtcNow().UtcDateTime))
        {
            throw new ConflictException(OutboxRules.WhyNot(message, "discarded"));
        }

        await db.SaveChangesAsync(cancellationToken);
        return await db.Messages.Where(m => m.Id == message.Id).ProjectToDto().FirstAsync(cancellationToken);
    }
}
