using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.SendOperatorMessage;

/// <summary>
/// A person's text to the customer, sent through the outbox like every outbound message. In Agent mode it takes the
/// conversation over. Outside the 24-hour window only a template may be sent (409). A retried request with the same
/// <paramref name="IdempotencyKey"/> sends nothing again and answers with the first request's message.
/// </summary>
/// <param name="SentBy">The operator's name, or <c>api</c>.</param>
public sealed record SendOperatorMessageCommand(Guid ConversationId, string? Text, string SentBy, string? IdempotencyKey = null) : ICommand<MessageDto>;

internal sealed class SendOperatorMessageCommandValidator : AbstractValidator<SendOperatorMessageCommand>
{
    public SendOperatorMessageCommandValidator()
    {
        RuleFor(x => x.Text).NotEmpty().Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage("'text' must not be empty.")
            .MaximumLength(Message.MaxTextLength).OverridePropertyName("text");
        RuleFor(x => x.IdempotencyKey).MaximumLength(Message.MaxIdempotencyKeyLength).OverridePropertyName("Idempotency-Key");
    }
}

internal sealed class SendOperatorMessageCommandHandler(IApplicationDbContext db, IReplyScheduler scheduler, TimeProvider time)
    : ICommandHandler<SendOperatorMessageCommand, MessageDto>
{
    public async ValueTask<MessageDto> Handle(SendOperatorMessageCommand command, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == command.ConversationId, cancellationToken)
            ?? throw new NotFoundException("Conversation", command.ConversationId);
        if (await db.FindSentWithKeyAsync(conversation.WhatsAppNumberId, command.IdempotencyKey, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var now = time.GetUtcNow().UtcDateTime;
        conversation.EnsureOperatorCanWrite(now);

        var message = Message.OperatorText(conversation, command.Text!.Trim(), command.SentBy, command.IdempotencyKey, now);
        db.Messages.Add(message);
        return await db.SaveOnceAsync(conversation, message, c => db.TakeOverForReplyAsync(c, command.SentBy, now, cancellationToken), scheduler, cancellationToken);
    }
}
