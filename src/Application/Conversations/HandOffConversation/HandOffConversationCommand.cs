using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.HandOffConversation;

/// <summary>A person takes the conversation over: the agent stays quiet and its unsent answers are cancelled.</summary>
/// <param name="By">Who: the operator's name, or <c>api</c>.</param>
public sealed record HandOffConversationCommand(Guid ConversationId, string? Reason, string By) : ICommand<ConversationDto>;

internal sealed class HandOffConversationCommandValidator : AbstractValidator<HandOffConversationCommand>
{
    public HandOffConversationCommandValidator() =>
        RuleFor(x => x.Reason).MaximumLength(Domain.Conversations.Conversation.MaxModeReasonLength).OverridePropertyName("reason");
}

internal sealed class HandOffConversationCommandHandler(IApplicationDbContext db, TimeProvider time)
    : ICommandHandler<HandOffConversationCommand, ConversationDto>
{
    public async ValueTask<ConversationDto> Handle(HandOffConversationCommand command, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == command.ConversationId, cancellationToken)
            ?? throw new NotFoundException("Conversation", command.ConversationId);
        var now = time.GetUtcNow().UtcDateTime;
        await db.UpdateAsync(conversation, async c =>
        {
            await db.HandToHumanAsync(c, command.By, command.Reason ?? "An operator took the conversation over.", now, cancellationToken);
            return true;
        }, cancellationToken);
        return await db.Conversations.AsNoTracking().Where(c => c.Id == conversation.Id).ProjectToDto().FirstAsync(cancellationToken);
    }
}
