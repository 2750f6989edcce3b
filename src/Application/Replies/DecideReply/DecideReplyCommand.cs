using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Replies.DecideReply;

/// <summary>
/// Step 2 of a reply: what the conversation needs now. Unsent answers are delivered first; unanswered customer messages
/// are answered by the agent, or by nobody (no agent, number inactive, 24-hour window closed: recorded as today), or wait
/// for a person (Human mode, or the customer asked for one in the agent's handoff phrases).
/// </summary>
public sealed record DecideReplyCommand(Guid ConversationId, Guid Owner, TimeSpan BurstWaited) : ICommand<ReplyDecision>, IBackgroundCommand;

internal sealed partial class DecideReplyCommandHandler(
    IApplicationDbContext db, ReplyReferences references, IOptionsSnapshot<ReplyOptions> options, TimeProvider time, ILogger<DecideReplyCommandHandler> logger)
    : ICommandHandler<DecideReplyCommand, ReplyDecision>
{
    public async ValueTask<ReplyDecision> Handle(DecideReplyCommand command, CancellationToken cancellationToken)
    {
        var id = command.ConversationId;
        var conversation = await references.ConversationAsync(id, cancellationToken);
        if (conversation is null)
        {
            return ReplyDecision.Done;
        }

        if (!conversation.HoldsLease(command.Owner, time.GetUtcNow().UtcDateTime))
        {
            return ReplyDecision.Lost;
        }

        // Read after the conversation: a message committed since also bumps its version, so a save below fails and is redone.
        var open = await db.Messages
            .Where(m => m.ConversationId == id
                && ((m.Direction == MessageDirection.Outbound && m.Status == MessageStatus.Pending)
                    || (m.Direction == MessageDirection.Inbound && m.NeedsReply && m.AnsweredAt == null)))
            .ToListAsync(cancellationToken);
        references.SawOpenMessages(open);
        if (conversation.Mode == ConversationMode.Human && await CancelAgentAnswersAsync(conversation, open, cancellationToken))
        {
            return ReplyDecision.Again;
        }

        if (open.Any(m => m.AwaitsDelivery))
        {
            return ReplyDecision.Deliver;
        }

        var unanswered = open.OrderBy(m => m.Timestamp).ThenBy(m => m.Id).ToList();
        if (unanswered.Count == 0)
        {
            return await FinishAsync(conversation, [], null, null, cancellationToken);
        }

        if (conversation.Mode == ConversationMode.Human)
        {
            LogWaitsForPerson(logger, id);
            return await FinishAsync(conversation, unanswered, null, null, cancellationToken, c => c.AwaitHuman());
        }

        var number = await references.NumberAsync(conversation.WhatsAppNumberId, cancellationToken);
        var agentId = number.AgentId ?? options.Value.DefaultAgentId;
        var now = time.GetUtcNow().UtcDateTime;
        var agent = agentId is null ? null : await references.AgentAsync(agentId.Value, cancellationToken);
        var agentFound = agent is not null;
        var nobody = NobodyAnswers(number, agentFound, conversation, now);
        if (nobody is not null)
        {
            LogNotAnswered(logger, id, nobody);
            var record = nobody == WindowClosed ? WindowClosedRecord(conversation, now) : null;
            unanswered.ForEach(m => m.MarkAnswered(now));
            return await FinishAsync(conversation, unanswered, record, nobody, cancellationToken);
        }

        if (unanswered.FirstOrDefault(m => agent!.AsksForPerson(m.Text ?? m.Caption)) is { } ask)
        {
            return await HandOffAsync(conversation, command.Owner, agent!, ask, now, cancellationToken);
        }

        var wait = BurstWait(unanswered, command.BurstWaited, now);
        return wait > TimeSpan.Zero
            ? ReplyDecision.Wait(wait)
            : ReplyDecision.Answer(agentId!.Value, unanswered.Select(m => m.Id).ToList());
    }

    private static string? NobodyAnswers(WhatsAppNumber number, bool agentFound, Conversation conversation, DateTime now) =>
        number.Status != NumberStatus.Active ? $"The number {number.DisplayName} is inactive."
        : !agentFound ? "No agent answers this number: link an agent to it or set WhatsApp:DefaultAgentId."
        : !conversation.IsWithinServiceWindow(now) ? WindowClosed
        : null;

    private const string WindowClosed = "The 24-hour customer service window had closed; no free-text reply was sent.";

    /// <summary>The closed window is shown in the history as a failed outbound message, as Meta would have refused it.</summary>
    private Message WindowClosedRecord(Conversation conversation, DateTime now)
    {
        var record = Message.OutboundText(conversation, string.Empty, null, now);
        record.MarkFailed("window_closed", "More than 24 hours had passed since the customer's last message; WhatsApp allows only template messages then.", now);
        db.Messages.Add(record);
        return record;
    }

    /// <summary>People write several short messages in a row: the answer waits until the customer has been quiet a moment.</summary>
    private TimeSpan BurstWait(List<Message> unanswered, TimeSpan waited, DateTime now)
    {
        var settings = options.Value;
        var wait = unanswered.Max(m => m.CreatedAt) + TimeSpan.FromMilliseconds(settings.BurstWindowMilliseconds) - now;
        var left = TimeSpan.FromMilliseconds(settings.MaxBurstWaitMilliseconds) - waited;
        return wait < left ? wait : left;
    }

    /// <summary>
    /// In Human mode the agent's answers written before the handoff are not sent (a handoff by the customer's phrase
    /// comes with the agent's own handoff message, written at the handoff: that one goes out). True when any was cancelled.
    /// </summary>
    private async Task<bool> CancelAgentAnswersAsync(Conversation conversation, List<Message> open, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var cancelled = open.Where(m => m.CreatedAt < conversation.ModeChangedAt && m.CancelForHandoff(now)).ToList();
        if (cancelled.Count == 0)
        {
            return false;
        }

        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The customer asked for a person in words the agent knows: nothing goes to the model, the conversation waits for
    /// a person, and the agent's handoff message (if it has one) is delivered by this run.
    /// </summary>
    private async Task<ReplyDecision> HandOffAsync(Conversation conversation, Guid owner, Domain.Agents.Agent agent, Message ask, DateTime now, CancellationToken cancellationToken)
    {
        LogAskedForPerson(logger, conversation.Id);
        var notice = agent.HandoffMessage is { } text ? Message.OutboundText(conversation, text, ask.WhatsAppMessageId, now) : null;
        if (notice is not null)
        {
            references.AddOutbound([notice]);
        }

        var held = await db.UpdateAsync(conversation, c =>
        {
            if (!c.HoldsLease(owner, now))
            {
                return false;
            }

            c.HandToHuman("customer", "The customer asked for a person.", now);
            c.AwaitHuman();
            c.ClaimReply(owner, now + options.Value.Lease);
            return true;
        }, cancellationToken);
        return !held ? ReplyDecision.Lost : notice is null ? ReplyDecision.Again : ReplyDecision.Deliver;
    }

    /// <summary>Frees the conversation, unless a customer message arrived meanwhile: then it is decided again.</summary>
    private async Task<ReplyDecision> FinishAsync(
        Conversation conversation, List<Message> handled, Message? record, string? reason, CancellationToken cancellationToken,
        Action<Conversation>? alsoChange = null)
    {
        var handledIds = handled.Select(m => m.Id).ToList();
        var more = false;
        await db.UpdateAsync(conversation, async c =>
        {
            alsoChange?.Invoke(c);
            if (record is not null)
            {
                c.RecordOutbound(record);
            }

            more = await references.HasUnansweredAsync(c.Id, handledIds, cancellationToken);
            if (!more)
            {
                c.CompleteReply(reason);
            }

            return true;
        }, cancellationToken);
        return more ? ReplyDecision.Again : ReplyDecision.Done;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {ConversationId} waits for a person; the agent does not answer")]
    private static partial void LogWaitsForPerson(ILogger logger, Guid conversationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The customer of conversation {ConversationId} asked for a person; the conversation is handed over")]
    private static partial void LogAskedForPerson(ILogger logger, Guid conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId} not answered: {Reason}")]
    private static partial void LogNotAnswered(ILogger logger, Guid conversationId, string reason);
}
