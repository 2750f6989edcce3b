using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies.RenderReply;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Replies.GenerateReply;

/// <summary>
/// Steps 3 and 4 of a reply: the agent writes the answer to <paramref name="MessageIds"/> (the model call, with nothing
/// held open), and the answer is rendered into the outbox, committed before anything is sent: a retry sends it, it never
/// asks the model again. False when another run took the conversation over while the model wrote.
/// </summary>
public sealed record GenerateReplyCommand(Guid ConversationId, Guid Owner, Guid AgentId, IReadOnlyList<Guid> MessageIds)
    : ICommand<bool>, IBackgroundCommand;

internal sealed class GenerateReplyCommandHandler(
    IApplicationDbContext db,
    ReplyReferences references,
    ReplyPrompt prompt,
    IReplyGenerator generator,
    ReplyRenderer renderer,
    IWhatsAppSender sender,
    IOptions<ReplyOptions> options,
    TimeProvider time) : ICommandHandler<GenerateReplyCommand, bool>
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async ValueTask<bool> Handle(GenerateReplyCommand command, CancellationToken cancellationToken)
    {
        var conversation = await references.ConversationAsync(command.ConversationId, cancellationToken);
        var agent = await references.AgentAsync(command.AgentId, cancellationToken);
        if (conversation is null || agent is null)
        {
            return false;
        }

        var unanswered = (await references.MessagesAsync(command.MessageIds, cancellationToken))
            .Where(m => m.AnsweredAt == null).OrderBy(m => m.Timestamp).ThenBy(m => m.Id).ToList();
        if (unanswered.Count == 0 || !await KeepLeaseAsync(conversation, command.Owner, cancellationToken))
        {
            return unanswered.Count == 0;
        }

        // The read receipt and typing indicator go out while the model writes (best effort).
        var reading = sender.MarkReadAsync(await references.SenderAsync(conversation.WhatsAppNumberId, cancellationToken), unanswered[^1].WhatsAppMessageId!, cancellationToken);
        string answer;
        try
        {
            answer = await AskModelAsync(await prompt.BuildAsync(conversation, agent, unanswered, cancellationToken), cancellationToken);
        }
        catch (HandoffRequestedException handoff)
        {
            return await HandOverAsync(conversation, command.Owner, agent, unanswered[^1], handoff.Reason, cancellationToken);
        }
        finally
        {
            await reading;
        }

        // Render: the answer's parts (text, or voice notes) go into the outbox, and the messages it answers are answered, in one commit.
        var replyTo = unanswered.Count > 1 ? unanswered[^1].WhatsAppMessageId : null;
        var outbox = await renderer.RenderAsync(conversation, command.Owner, agent, unanswered.Any(m => m.IsAudio), answer, replyTo, Now, cancellationToken);
        if (outbox is null)
        {
            return false;
        }

        references.AddOutbound(outbox);
        unanswered.ForEach(m => m.MarkAnswered(Now));
        return await db.UpdateAsync(conversation, c => c.TryRenewLease(command.Owner, Now, options.Value.Lease), cancellationToken);
    }

    /// <summary>
    /// The model handed the conversation to a person: the customer's messages wait for one, and the agent's handoff
    /// message (if it has one) goes into the outbox for this run to deliver.
    /// </summary>
    private async Task<bool> HandOverAsync(
        Domain.Conversations.Conversation conversation, Guid owner, Domain.Agents.Agent agent, Message last, string reason, CancellationToken cancellationToken)
    {
        var now = Now;
        if (agent.HandoffMessage is { } text)
        {
            references.AddOutbound([Message.OutboundText(conversation, text, last.WhatsAppMessageId, now)]);
        }

        return await db.UpdateAsync(conversation, c =>
        {
            if (c.ReplyLeaseOwner != owner)
            {
                return false;
            }

            c.HandToHuman(Message.SentByAgent, reason, now);
            c.AwaitHuman();
            c.ClaimReply(owner, now + options.Value.Lease);
            return true;
        }, cancellationToken);
    }

    /// <summary>The model may take most of a lease: an older lease (a burst wait) is renewed before it is asked.</summary>
    private async Task<bool> KeepLeaseAsync(Domain.Conversations.Conversation conversation, Guid owner, CancellationToken cancellationToken)
    {
        var lease = options.Value.Lease;
        if (conversation.ReplyLeaseOwner != owner)
        {
            return false;
        }

        return !conversation.LeaseRunsLow(Now, lease) || await db.UpdateAsync(conversation, c => c.TryRenewLease(owner, Now, lease), cancellationToken);
    }

    private async Task<string> AskModelAsync(ReplyRequest request, CancellationToken cancellationToken)
    {
        string answer;
        try
        {
            answer = await generator.GenerateAsync(request, cancellationToken);
        }
        catch (ReplyGenerationException ex)
        {
            throw new ReplyDeferredException($"The model could not answer: {ex.Message}", ex);
        }

        return string.IsNullOrWhiteSpace(answer) ? throw new ReplyDeferredException("The model returned an empty answer.") : answer;
    }
}
