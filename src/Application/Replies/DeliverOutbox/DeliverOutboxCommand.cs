using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Replies.DeliverOutbox;

/// <summary>
/// The last step of a reply, and the only place that sends: the conversation's outbox, in order, paced per number. Each
/// message's wamid is committed as soon as Meta gives it; a transient failure defers the rest (one retry clock, the
/// conversation's), a permanent one fails what is left with Meta's code and title.
/// </summary>
public sealed record DeliverOutboxCommand(Guid ConversationId, Guid Owner) : ICommand<DeliveryResult>, IBackgroundCommand;

internal sealed partial class DeliverOutboxCommandHandler(
    IApplicationDbContext db,
    ReplyReferences references,
    IWhatsAppSender sender,
    OutboundMediaDelivery files,
    ISendPacer pacer,
    IOptions<ReplyOptions> options,
    TimeProvider time,
    ILogger<DeliverOutboxCommandHandler> logger) : ICommandHandler<DeliverOutboxCommand, DeliveryResult>
{
    /// <summary>A Retry-After up to this long is waited out here; a longer one goes back to the retry clock.</summary>
    private static readonly TimeSpan ShortWait = TimeSpan.FromSeconds(5);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async ValueTask<DeliveryResult> Handle(DeliverOutboxCommand command, CancellationToken cancellationToken)
    {
        var conversation = await references.ConversationAsync(command.ConversationId, cancellationToken);
        if (conversation is null)
        {
            return DeliveryResult.Lost;
        }

        var number = await references.NumberAsync(conversation.WhatsAppNumberId, cancellationToken);
        var outbox = await references.OutboxAsync(conversation.Id, cancellationToken);
        if (outbox.Count == 0)
        {
            return DeliveryResult.MoreToDo;
        }

        var from = await references.SenderAsync(number.Id, cancellationToken);
        foreach (var message in outbox)
        {
            // An upload (a file of up to 100 MB) may outlast the lease: the lease is made to cover it first.
            if (!conversation.HoldsLease(command.Owner, Now) || (message.IsOutboundMedia && message.UploadedMediaId(Now) is null
                && !await db.CoverCallAsync(conversation, command.Owner, Now, options.Value.Lease, sender.UploadTimeout, cancellationToken)))
            {
                return DeliveryResult.Lost;
            }

            if (!await pacer.WaitTurnAsync(number.PhoneNumberId, number.MaxSendsPerSecond, cancellationToken))
            {
                throw new ReplyDeferredException($"Too many sends wait for {number.PhoneNumberId}.", retryAfter: TimeSpan.FromSeconds(1));
            }

            var result = await SendAsync(from, conversation.Recipient, message, cancellationToken);
            if (result is SendResult.PermanentFailure { Code: "190" } && await references.FreshSenderAsync(number.Id, from, cancellationToken) is { } fresh)
            {
                // The token was changed (through another instance) since this process cached the number: send with the new one.
                from = fresh;
                result = await SendAsync(from, conversation.Recipient, message, cancellationToken);
            }

            switch (result)
            {
                case SendResult.Sent sent:
                    if (!await RecordSentAsync(conversation, command.Owner, message, sent.WhatsAppMessageId, last: message == outbox[^1], cancellationToken))
                    {
                        return DeliveryResult.Lost;
                    }

                    break;

                case SendResult.RetryableFailure retry:
                    throw new ReplyDeferredException($"Meta could not take the message now ({retry.Code ?? "no code"}: {retry.Reason})", retryAfter: retry.RetryAfter);

                case SendResult.PermanentFailure failure:
                    return await RecordRefusedAsync(conversation, outbox.SkipWhile(m => m != message).ToList(), failure, number.PhoneNumberId, cancellationToken);
            }
        }

        return conversation.ReplyPending ? DeliveryResult.MoreToDo : DeliveryResult.Completed;
    }

    private async Task<SendResult> SendAsync(SenderNumber from, string to, Message message, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = message.Template is { } template
                ? await sender.SendTemplateAsync(from, to, template, cancellationToken)
                : message.IsOutboundMedia ? await files.SendAsync(from, to, message, cancellationToken)
                : await sender.SendTextAsync(from, to, message.Text ?? string.Empty, message.ContextMessageId, cancellationToken);
            if (result is not SendResult.RetryableFailure { RetryAfter: { } wait } || wait > ShortWait || attempt >= 3)
            {
                return result;
            }

            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>
    /// Commits the wamid (with statuses Meta sent before it) and counts the message on the conversation; the last one
    /// also frees the conversation unless the customer wrote meanwhile. False when another run holds the conversation now.
    /// </summary>
    private async Task<bool> RecordSentAsync(Conversation conversation, Guid owner, Message message, string wamid, bool last, CancellationToken cancellationToken)
    {
        message.MarkSent(wamid, Now);
        await ApplyEarlyStatusesAsync(message, cancellationToken);
        var held = true;
        await db.UpdateAsync(conversation, async c =>
        {
            c.RecordOutbound(message);
            held = c.TryRenewLease(owner, Now, options.Value.Lease);
            // An operator's message stored meanwhile (it bumps the conversation) is delivered by this run before it ends.
            if (held && last && !await references.HasUnansweredAsync(c.Id, [], cancellationToken) && !await references.HasUnsentAsync(c.Id, message.Id, cancellationToken))
            {
                c.CompleteReply(null);
            }

            return true;
        }, cancellationToken);
        return held;
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

    /// <summary>Meta refused a message for good: it and the rest of the outbox fail with Meta's reason, and the reply ends.</summary>
    private async Task<DeliveryResult> RecordRefusedAsync(
        Conversation conversation, List<Message> refused, SendResult.PermanentFailure failure, string phoneNumberId, CancellationToken cancellationToken)
    {
        refused.ForEach(m => m.MarkFailed(failure.Code, failure.Title, Now));
        var error = $"Meta refused the reply: error {failure.Code}, {failure.Title}";
        // Logged before the commit: whoever sees the conversation finished can also find why in the log.
        if (failure.Code is "190" or "no_access_token")
        {
            LogOperatorMustAct(logger, phoneNumberId, failure.Code, failure.Title);
        }
        else
        {
            LogRefused(logger, conversation.Id, failure.Code, failure.Title);
        }

        await db.UpdateAsync(conversation, c =>
        {
            refused.ForEach(c.RecordOutbound);
            c.CompleteReply(error);
            return true;
        }, cancellationToken);

        return DeliveryResult.Failed(error);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta refused a message in conversation {ConversationId}: error {Code} {Title}")]
    private static partial void LogRefused(ILogger logger, Guid conversationId, string code, string title);

    [LoggerMessage(Level = LogLevel.Error, Message = "Operator action needed: phone_number_id {PhoneNumberId} cannot send (error {Code}: {Title}). Set a valid access token on the number or Meta:FallbackAccessToken.")]
    private static partial void LogOperatorMustAct(ILogger logger, string phoneNumberId, string code, string title);
}

/// <summary>How a delivery ended.</summary>
public sealed record DeliveryResult(DeliveryResultKind Kind, string? Error = null)
{
    public static readonly DeliveryResult Completed = new(DeliveryResultKind.Completed);
    public static readonly DeliveryResult MoreToDo = new(DeliveryResultKind.MoreToDo);
    public static readonly DeliveryResult Lost = new(DeliveryResultKind.Lost);

    public static DeliveryResult Failed(string error) => new(DeliveryResultKind.Failed, error);
}

public enum DeliveryResultKind
{
    /// <summary>Everything sent and nothing left unanswered: the conversation is free.</summary>
    Completed,

    /// <summary>Sent, but the customer wrote meanwhile.</summary>
    MoreToDo,

    /// <summary>Another run holds the conversation now.</summary>
    Lost,

    /// <summary>Meta refused a message for good.</summary>
    Failed,
}
