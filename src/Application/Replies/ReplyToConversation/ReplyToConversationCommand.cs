using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Agents;
using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Replies.ReplyToConversation;

/// <summary>
/// Answers every unanswered customer message of a conversation, in one reply. Safe to run twice:
/// a lease keeps one job at a time on a conversation, and the answer is stored before it is sent,
/// so a retry sends what is unsent instead of asking the model again.
/// </summary>
public sealed record ReplyToConversationCommand(Guid ConversationId) : ICommand, IBackgroundCommand;

internal sealed partial class ReplyToConversationCommandHandler(
    IApplicationDbContext db,
    IWhatsAppSender sender,
    IReplyGenerator generator,
    IKnowledgeSearch knowledge,
    ISecretProtector protector,
    IOptionsSnapshot<ReplyOptions> options,
    TimeProvider time,
    ILogger<ReplyToConversationCommandHandler> logger) : ICommandHandler<ReplyToConversationCommand>
{
    private readonly Guid _owner = Guid.NewGuid();
    private const int MaxRounds = 20;
    private const int MaxConflicts = 20;

    /// <summary>A lease taken this recently is not renewed before the model is asked.</summary>
    private static readonly TimeSpan FreshLease = TimeSpan.FromSeconds(5);

    /// <summary>The waits between attempts; the Hangfire job's retry delays are the same.</summary>
    public static readonly int[] BackoffSeconds = [5, 15, 30, 60, 120, 300, 600, 900, 1800];

    private TimeSpan _burstWaited;
    private DateTime? _leaseUntil;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>How long a job holds a conversation without renewing; a crashed instance's work is taken over after it.</summary>
    private TimeSpan LeaseDuration => TimeSpan.FromSeconds(Math.Max(1, options.Value.LeaseSeconds));

    public async ValueTask<Unit> Handle(ReplyToConversationCommand command, CancellationToken cancellationToken)
    {
        var id = command.ConversationId;
        var claimed = await ClaimAsync(id, cancellationToken);
        if (claimed is null)
        {
            return Unit.Value;
        }

        try
        {
            for (var round = 0; round < MaxRounds; round++)
            {
                if (await RoundAsync(id, round == 0 ? claimed : null, cancellationToken) == Outcome.Done)
                {
                    return Unit.Value;
                }
            }

            throw new ReplyDeferredException("Customers kept writing while the reply was produced; the rest is answered by the next attempt.");
        }
        catch (LeaseLostException)
        {
            LogLeaseLost(logger, id);
            return Unit.Value;
        }
        catch (Exception ex) when (ex is not ReplyFailedException)
        {
            // Free the conversation at once (else the lease would hold it for minutes) and wait for the backoff.
            await DeferAsync(id, ex is ReplyDeferredException ? ex.Message : $"Unexpected {ex.GetType().Name}: {ex.Message}", (ex as ReplyDeferredException)?.RetryAfter);
            throw;
        }
    }

    private enum Outcome
    {
        Continue,
        Done,
    }

    /// <summary>Takes the conversation's lease; null when there is nothing to do or another job has it.</summary>
    private async Task<Conversation?> ClaimAsync(Guid id, CancellationToken cancellationToken)
    {
        Conversation? claimed = null;
        await MutateConversationAsync(id, c =>
        {
            // Called again from fresh values when another job's claim won the race: then that job has it.
            claimed = null;
            if (!c.ReplyPending || c.IsLeasedByOther(_owner, Now) || c.ReplyRetryAt > Now)
            {
                return false;
            }

            Lease(c);
            claimed = c;
            return true;
        }, cancellationToken);
        if (claimed is null)
        {
            LogNotClaimed(logger, id);
        }

        return claimed;
    }

    /// <summary>
    /// One round: sends what is unsent, else answers what is unanswered, else frees the conversation.
    /// <paramref name="claimed"/> is the conversation as the claim saved it, which spares the first round a read.
    /// </summary>
    private async Task<Outcome> RoundAsync(Guid id, Conversation? claimed, CancellationToken cancellationToken)
    {
        db.DiscardChanges();
        var conversation = claimed ?? await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (conversation is null)
        {
            return Outcome.Done;
        }

        var number = await db.WhatsAppNumbers.AsNoTracking().FirstAsync(n => n.Id == conversation.WhatsAppNumberId, cancellationToken);

        // The unsent parts of an answer and the unanswered customer messages, in one read.
        var open = await db.Messages
            .Where(m => m.ConversationId == id
                && ((m.Direction == MessageDirection.Outbound && m.Status == MessageStatus.Pending)
                    || (m.Direction == MessageDirection.Inbound && m.NeedsReply && m.AnsweredAt == null)))
            .ToListAsync(cancellationToken);
        var unsent = open.Where(m => m.Direction == MessageDirection.Outbound).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToList();
        if (unsent.Count > 0)
        {
            return await SendAsync(conversation, number, unsent, cancellationToken) ? Outcome.Done : Outcome.Continue;
        }

        var unanswered = open.Where(m => m.Direction == MessageDirection.Inbound).OrderBy(m => m.Timestamp).ThenBy(m => m.Id).ToList();
        if (unanswered.Count == 0)
        {
            return await TryCompleteAsync(id, null, cancellationToken) ? Outcome.Done : Outcome.Continue;
        }

        if (number.Status != NumberStatus.Active)
        {
            return await GiveUpAsync(id, unanswered, $"The number {number.DisplayName} is inactive.", cancellationToken);
        }

        var agent = await ResolveAgentAsync(number, cancellationToken);
        if (agent is null)
        {
            LogNoAgent(logger, id, number.PhoneNumberId);
            return await GiveUpAsync(id, unanswered, "No agent answers this number: link an agent to it or set WhatsApp:DefaultAgentId.", cancellationToken);
        }

        if (!conversation.IsWithinServiceWindow(Now))
        {
            var failed = Message.OutboundText(conversation, string.Empty, null, Now);
            failed.MarkFailed("window_closed", "More than 24 hours had passed since the customer's last message; WhatsApp allows only template messages then.", Now);
            db.Messages.Add(failed);
            return await GiveUpAsync(id, unanswered, "The 24-hour customer service window had closed; no free-text reply was sent.", cancellationToken, failed);
        }

        if (await WaitForQuietAsync(unanswered, cancellationToken))
        {
            return Outcome.Continue;
        }

        // The read receipt and typing indicator go out while the model writes: Meta's round trip does not delay the answer.
        var reading = sender.MarkReadAsync(ToSender(number), unanswered[^1].WhatsAppMessageId!, cancellationToken);
        string answer;
        try
        {
            // The model gets (nearly) a whole lease: one taken in the last seconds is kept, an older one (a burst wait) renewed.
            if (await RenewLeaseAsync(id, Max(LeaseDuration - FreshLease, LeaseDuration / 2), cancellationToken))
            {
                // The renewal forgot what the context tracked; the messages the model answers are tracked again.
                unanswered.ForEach(m => Track(m));
            }

            answer = await GenerateAsync(conversation, agent, unanswered, cancellationToken);
        }
        finally
        {
            await reading;
        }

        // A model slower than the lease may have let another job take over; then that job answers, not this one.
        if (await RenewLeaseAsync(id, LeaseDuration / 2, cancellationToken))
        {
            // The renewal read the conversation afresh and forgot the tracked messages: read them again. Only what
            // the model saw is answered now; messages that came in meanwhile get the next round.
            var seenByModel = unanswered.Select(m => m.Id).ToHashSet();
            unanswered = (await UnansweredAsync(id, cancellationToken)).Where(m => seenByModel.Contains(m.Id)).ToList();
            if (unanswered.Count == 0)
            {
                return Outcome.Continue;
            }
        }

        // Stored before it is sent: if the process dies now, the next attempt sends this answer instead of writing another.
        var replyTo = unanswered.Count > 1 ? unanswered[^1].WhatsAppMessageId : null;
        var outbound = new List<Message>();
        foreach (var part in MessageSplitter.Split(answer))
        {
            var message = Message.OutboundText(conversation, part, outbound.Count == 0 ? replyTo : null, Now);
            db.Messages.Add(message);
            outbound.Add(message);
        }

        foreach (var message in unanswered)
        {
            message.MarkAnswered(Now);
        }

        await db.SaveChangesAsync(cancellationToken);
        return await SendAsync(conversation, number, outbound, cancellationToken) ? Outcome.Done : Outcome.Continue;
    }

    /// <summary>Waits while the customer is still typing a burst; true when it waited (the caller reads the messages again).</summary>
    private async Task<bool> WaitForQuietAsync(List<Message> unanswered, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var quiet = TimeSpan.FromMilliseconds(settings.BurstWindowMilliseconds);
        var remaining = TimeSpan.FromMilliseconds(settings.MaxBurstWaitMilliseconds) - _burstWaited;
        var newest = unanswered.Max(m => m.CreatedAt);
        var wait = newest + quiet - Now;
        if (wait <= TimeSpan.Zero || remaining <= TimeSpan.Zero)
        {
            return false;
        }

        wait = wait < remaining ? wait : remaining;
        await Task.Delay(wait, time, cancellationToken);
        _burstWaited += wait;
        return true;
    }

    private Task<List<Message>> UnansweredAsync(Guid id, CancellationToken cancellationToken) =>
        db.Messages
            .Where(m => m.ConversationId == id && m.Direction == MessageDirection.Inbound && m.NeedsReply && m.AnsweredAt == null)
            .OrderBy(m => m.Timestamp).ThenBy(m => m.Id)
            .ToListAsync(cancellationToken);

    private async Task<string> GenerateAsync(Conversation conversation, Agent agent, List<Message> unanswered, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var answeredIds = unanswered.Select(m => m.Id).ToList();
        var history = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversation.Id && !answeredIds.Contains(m.Id) && m.Status != MessageStatus.Failed
                && m.Type != "reaction" && (m.Direction == MessageDirection.Outbound || m.AnsweredAt != null))
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Take(settings.HistoryMessages)
            .ToListAsync(cancellationToken);
        history.Reverse();
        var turns = history
            .Select(m => new ChatTurn(m.Direction == MessageDirection.Inbound, m.Direction == MessageDirection.Inbound ? InboundRendering.Render(m) : m.Text ?? string.Empty))
            .ToList();

        var query = string.Join("\n", unanswered.Select(m => m.Text).Where(t => !string.IsNullOrWhiteSpace(t)));
        var matches = query.Length == 0 ? [] : await knowledge.SearchAsync(agent.Id, query, settings.KnowledgeTokenBudget, cancellationToken);
        var customerMessages = unanswered.Select(InboundRendering.Render).ToList();

        string answer;
        try
        {
            answer = await generator.GenerateAsync(
                new ReplyRequest(agent.Prompt, agent.LlmModel, agent.FallbackReply, matches, turns, customerMessages, conversation.CustomerName),
                cancellationToken);
        }
        catch (ReplyGenerationException ex)
        {
            LogModelFailed(logger, conversation.Id, ex.Message);
            throw new ReplyDeferredException($"The model could not answer: {ex.Message}", ex);
        }

        return string.IsNullOrWhiteSpace(answer) ? throw new ReplyDeferredException("The model returned an empty answer.") : answer;
    }

    /// <summary>
    /// Sends the parts in order, recording each as sent. True when the last one finished the conversation's reply
    /// (nothing left unanswered); false when the caller goes round again.
    /// </summary>
    private async Task<bool> SendAsync(Conversation conversation, WhatsAppNumber number, List<Message> parts, CancellationToken cancellationToken)
    {
        var senderNumber = ToSender(number);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = Track(parts[i]);
            var result = await SendWithShortWaitsAsync(senderNumber, conversation.Recipient, part, cancellationToken);
            switch (result)
            {
                case SendResult.Sent sent:
                    part.MarkSent(sent.WhatsAppMessageId, Now);
                    await ApplyEarlyStatusesAsync(part, cancellationToken);
                    await db.SaveChangesAsync(cancellationToken);
                    if (i == parts.Count - 1)
                    {
                        return await TryCompleteAsync(conversation.Id, null, cancellationToken, sentLast: part);
                    }

                    await MutateConversationAsync(conversation.Id, c =>
                    {
                        c.RecordOutbound(part);
                        Lease(c);
                        return true;
                    }, cancellationToken);
                    break;

                case SendResult.PermanentFailure failure:
                    var failedParts = parts.Skip(i).Select(Track).ToList();
                    foreach (var unsentPart in failedParts)
                    {
                        unsentPart.MarkFailed(failure.Code, failure.Title, Now);
                    }

                    await db.SaveChangesAsync(cancellationToken);
                    var error = $"Meta refused the reply: error {failure.Code}, {failure.Title}";
                    await MutateConversationAsync(conversation.Id, c =>
                    {
                        failedParts.ForEach(c.RecordOutbound);
                        c.CompleteReply(error);
                        return true;
                    }, cancellationToken);
                    LogPermanentFailure(logger, conversation.Id, failure.Code, failure.Title);
                    if (failure.Code == "190")
                    {
                        LogExpiredToken(logger, number.PhoneNumberId);
                    }

                    throw new ReplyFailedException(error);

                case SendResult.RetryableFailure retry:
                    throw new ReplyDeferredException($"Meta could not take the reply now ({retry.Code ?? "no code"}: {retry.Reason})", retryAfter: retry.RetryAfter);
            }
        }

        return false;
    }

    /// <summary>Saving the conversation forgets tracked messages; this takes one back before it is changed.</summary>
    private Message Track(Message message)
    {
        if (!db.Messages.Local.Contains(message))
        {
            db.Messages.Attach(message);
        }

        return message;
    }

    /// <summary>A short Retry-After is waited out here; a longer one goes back to the job's backoff.</summary>
    private async Task<SendResult> SendWithShortWaitsAsync(SenderNumber number, string to, Message part, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await sender.SendTextAsync(number, to, part.Text ?? string.Empty, part.ContextMessageId, cancellationToken);
            if (result is SendResult.RetryableFailure { RetryAfter: { } wait } && wait <= TimeSpan.FromSeconds(5) && attempt < 3)
            {
                await Task.Delay(wait, time, cancellationToken);
                continue;
            }

            return result;
        }
    }

    private async Task ApplyEarlyStatusesAsync(Message message, CancellationToken cancellationToken)
    {
        var early = await db.PendingStatusUpdates
            .Where(p => p.WhatsAppNumberId == message.WhatsAppNumberId && p.WhatsAppMessageId == message.WhatsAppMessageId)
            .OrderBy(p => p.Timestamp)
            .ToListAsync(cancellationToken);
        foreach (var status in early)
        {
            status.ApplyTo(message);
            db.PendingStatusUpdates.Remove(status);
        }
    }

    private async Task<Agent?> ResolveAgentAsync(WhatsAppNumber number, CancellationToken cancellationToken)
    {
        var agentId = number.AgentId ?? options.Value.DefaultAgentId;
        return agentId is null ? null : await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken);
    }

    private async Task<Outcome> GiveUpAsync(Guid id, List<Message> unanswered, string reason, CancellationToken cancellationToken, Message? failed = null)
    {
        foreach (var message in unanswered)
        {
            message.MarkAnswered(Now);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (failed is not null)
        {
            await MutateConversationAsync(id, c =>
            {
                c.RecordOutbound(failed);
                return true;
            }, cancellationToken);
        }

        LogGaveUp(logger, id, reason);
        return await TryCompleteAsync(id, reason, cancellationToken) ? Outcome.Done : Outcome.Continue;
    }

    /// <summary>
    /// Frees the conversation, unless a customer message arrived meanwhile (then the caller goes round again).
    /// <paramref name="sentLast"/>, the part just sent, is counted on the conversation in the same save.
    /// </summary>
    private async Task<bool> TryCompleteAsync(Guid id, string? error, CancellationToken cancellationToken, Message? sentLast = null)
    {
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            db.DiscardChanges();
            var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
            if (conversation is null)
            {
                return true;
            }

            // Read after the conversation: a webhook that commits a message later also bumps its version, and the save below fails.
            var answered = !await db.Messages.AnyAsync(
                m => m.ConversationId == id && m.Direction == MessageDirection.Inbound && m.NeedsReply && m.AnsweredAt == null,
                cancellationToken);
            if (!answered && sentLast is null)
            {
                return false;
            }

            if (sentLast is not null)
            {
                conversation.RecordOutbound(sentLast);
            }

            if (answered)
            {
                conversation.CompleteReply(error);
            }
            else
            {
                Lease(conversation);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return answered;
            }
            catch (DbUpdateConcurrencyException)
            {
                LogConflict(logger, id);
            }
        }

        throw new ReplyDeferredException("The conversation kept changing; it is finished by the next attempt.");
    }

    /// <summary>Takes or extends the lease on a loaded conversation, and remembers until when this job holds it.</summary>
    private void Lease(Conversation conversation)
    {
        _leaseUntil = Now + LeaseDuration;
        conversation.ClaimReply(_owner, _leaseUntil.Value);
    }

    /// <summary>
    /// Extends the lease when less than <paramref name="renewBelow"/> of it is left (a lease this job holds for that
    /// long yet cannot have been taken over, so checking it would cost two round trips for nothing). True when it read
    /// and saved the conversation, which forgets what the context tracked.
    /// </summary>
    private async Task<bool> RenewLeaseAsync(Guid id, TimeSpan renewBelow, CancellationToken cancellationToken)
    {
        if (_leaseUntil - Now > renewBelow)
        {
            return false;
        }

        await MutateConversationAsync(id, c =>
        {
            if (c.IsLeasedByOther(_owner, Now) || (c.ReplyLeaseOwner != _owner && c.ReplyLeaseOwner is not null))
            {
                throw new LeaseLostException();
            }

            Lease(c);
            return true;
        }, cancellationToken);
        return true;
    }

    /// <summary>Another job took the conversation over; this one stops without touching it.</summary>
    private sealed class LeaseLostException() : Exception("Another job took the conversation over.");

    /// <summary>Loads the conversation fresh, applies a change and saves it, again from fresh values if a webhook changed it meanwhile.</summary>
    private async Task MutateConversationAsync(Guid id, Func<Conversation, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            db.DiscardChanges();
            var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
            if (conversation is null || !change(conversation))
            {
                return;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException)
            {
                LogConflict(logger, id);
            }
        }

        throw new ReplyDeferredException("The conversation kept changing; it is finished by the next attempt.");
    }

    private async Task DeferAsync(Guid id, string error, TimeSpan? retryAfter)
    {
        try
        {
            await MutateConversationAsync(id, c =>
            {
                if (c.ReplyLeaseOwner != _owner && c.ReplyLeaseOwner is not null)
                {
                    return false;
                }

                var delay = TimeSpan.FromSeconds(BackoffSeconds[Math.Min(c.ReplyAttempts, BackoffSeconds.Length - 1)]);
                c.DeferReply(error, Now + (retryAfter > delay ? retryAfter.Value : delay));
                return true;
            }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or ReplyDeferredException or InvalidOperationException)
        {
            // The lease runs out by itself; the sweeper takes the conversation up again then.
            LogDeferFailed(logger, id, ex.GetType().Name);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private SenderNumber ToSender(WhatsAppNumber number) => new(
        number.PhoneNumberId,
        number.GraphApiVersion,
        number.ProtectedAccessToken is null ? null : protector.Unprotect(number.ProtectedAccessToken));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {ConversationId} needs no reply now or another job is answering it")]
    private static partial void LogNotClaimed(ILogger logger, Guid conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId} was taken over by another job while the model was writing; this job stops")]
    private static partial void LogLeaseLost(ILogger logger, Guid conversationId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {ConversationId} changed while it was answered; reading it again")]
    private static partial void LogConflict(ILogger logger, Guid conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId} on phone_number_id {PhoneNumberId} has no agent: link one or set WhatsApp:DefaultAgentId")]
    private static partial void LogNoAgent(ILogger logger, Guid conversationId, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId} not answered: {Reason}")]
    private static partial void LogGaveUp(ILogger logger, Guid conversationId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model failed for conversation {ConversationId}: {Error}; it will be tried again")]
    private static partial void LogModelFailed(ILogger logger, Guid conversationId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Meta refused the reply in conversation {ConversationId}: error {Code} {Title}")]
    private static partial void LogPermanentFailure(ILogger logger, Guid conversationId, string code, string title);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The access token of phone_number_id {PhoneNumberId} has expired or was revoked (Meta error 190): an operator must set a new token on the number")]
    private static partial void LogExpiredToken(ILogger logger, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the failed attempt of conversation {ConversationId} ({Error}); its lease runs out by itself")]
    private static partial void LogDeferFailed(ILogger logger, Guid conversationId, string error);
}
