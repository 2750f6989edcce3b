using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.RetryOutboundMessage;

/// <summary>Puts an outbound message that failed for good back in the outbox; the conversation's delivery sends it.</summary>
public sealed record RetryOutboundMessageCommand(Guid ConversationId, Guid MessageId) : ICommand<MessageDto>;

internal sealed class RetryOutboundMessageCommandHandler(IApplicationDbContext db, IReplyScheduler scheduler, TimeProvider time)
    : ICommandHandler<RetryOutboundMessageCommand, MessageDto>
{
    public async ValueTask<MessageDto> Handle(RetryOutboundMessageCommand command, CancellationToken cancellationToken)
    {
        var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == command.MessageId && m.ConversationId == command.ConversationId, cancellationToken)
            ?? throw new NotFoundException("Message", command.MessageId);
        var conversation = await db.Conversations.FirstAsync(c => c.Id == command.ConversationId, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        if (!message.TryRequeue(now))
        {
            throw new ConflictException(OutboxRules.WhyNot(message, "sent again"));
        }

        conversation.RequestReply(now);
        await db.SaveChangesAsync(cancellationToken);
        var queued = await db.Messages.Where(m => m.Id == message.Id).ProjectToDto().FirstAsync(cancellationToken);
        scheduler.ScheduleReply(conversation.Id);
        return queued;
    }
}
