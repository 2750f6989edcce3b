using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Replies.ClaimConversation;

/// <summary>Step 1 of a reply: the run <paramref name="Owner"/> takes the conversation's lease. False when a reply is not owed now or another run holds it.</summary>
public sealed record ClaimConversationCommand(Guid ConversationId, Guid Owner) : ICommand<bool>, IBackgroundCommand;

internal sealed class ClaimConversationCommandHandler(IApplicationDbContext db, IOptions<ReplyOptions> options, TimeProvider time)
    : ICommandHandler<ClaimConversationCommand, bool>
{
    public async ValueTask<bool> Handle(ClaimConversationCommand command, CancellationToken cancellationToken)
    {
        db.DiscardChanges();
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == command.ConversationId, cancellationToken);
        return conversation is not null && await db.UpdateAsync(
            conversation, c => c.TryClaimReply(command.Owner, time.GetUtcNow().UtcDateTime, options.Value.Lease), cancellationToken);
    }
}
