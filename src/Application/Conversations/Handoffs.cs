using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations;

/// <summary>What every way of handing a conversation to a person does, whoever asks (operator, customer, model, failures).</summary>
internal static class Handoffs
{
    public const string ByCustomer = "customer";
    public const string BySystem = "system";

    /// <summary>
    /// The conversation is the person's: the agent's unsent answers are cancelled, and customer messages still unanswered
    /// wait for them. The caller saves.
    /// </summary>
    public static async Task HandToHumanAsync(
        this IApplicationDbContext db, Conversation conversation, string by, string? reason, DateTime now, CancellationToken cancellationToken)
    {
        conversation.HandToHuman(by, reason, now);
        var unsent = await db.Messages
            .Where(m => m.ConversationId == conversation.Id && m.Direction == MessageDirection.Outbound && m.Status == MessageStatus.Pending
                && m.SentBy == Message.SentByAgent)
            .ToListAsync(cancellationToken);
        unsent.ForEach(m => m.CancelForHandoff(now));
        if (await db.Messages.AnyAsync(m => m.ConversationId == conversation.Id && m.Direction == MessageDirection.Inbound && m.NeedsReply && m.AnsweredAt == null, cancellationToken))
        {
            conversation.AwaitHuman();
        }
    }
}
