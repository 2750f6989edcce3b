using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Webhooks.ReceiveMetaWebhook;
using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Application.Webhooks.StoreWebhookDeliveries;

/// <summary>
/// Verified deliveries stored in one transaction, in order, as if one after the other: a message two of them carry is
/// stored once and counted as redelivered in the later one. Answers one receipt per delivery, in the same order.
/// </summary>
public sealed record StoreWebhookDeliveriesCommand(IReadOnlyList<VerifiedWebhookDelivery> Deliveries) : ICommand<IReadOnlyList<WebhookReceipt>>;

internal sealed partial class StoreWebhookDeliveriesCommandHandler(
    IApplicationDbContext db,
    IReplyScheduler scheduler,
    TimeProvider time,
    ILogger<StoreWebhookDeliveriesCommandHandler> logger) : ICommandHandler<StoreWebhookDeliveriesCommand, IReadOnlyList<WebhookReceipt>>
{
    // Concurrent deliveries of the same message (here and on other instances) race on the unique wamid index; the losers retry from fresh reads.
    private const int MaxAttempts = 5;

    public async ValueTask<IReadOnlyList<WebhookReceipt>> Handle(StoreWebhookDeliveriesCommand command, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (receipts, conversationsToAnswer) = await StoreAsync(command.Deliveries, cancellationToken);
                foreach (var conversationId in conversationsToAnswer)
                {
                    ScheduleReply(conversationId);
                }

                return receipts;
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts)
            {
                LogStoreRetry(logger, command.Deliveries.Count, attempt, ex.GetType().Name);
                db.DiscardChanges();
            }
        }
    }

    /// <summary>
    /// The messages are committed: a queue that fails now (e.g. Hangfire's connection pool is exhausted) must not turn
    /// the delivery into a 500, since Meta's redelivery would be a duplicate and schedule nothing. The sweeper finds
    /// the pending reply in the database instead.
    /// </summary>
    private void ScheduleReply(Guid conversationId)
    {
        try
        {
            scheduler.ScheduleReply(conversationId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogScheduleFailed(logger, conversationId, ex);
        }
    }

    private async Task<(IReadOnlyList<WebhookReceipt> Receipts, IReadOnlyCollection<Guid> ConversationsToAnswer)> StoreAsync(
        IReadOnlyList<VerifiedWebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var work = deliveries
            .Select(d => (Numbers: d.Numbers, Changes: d.Payload.Changes.Where(c => c.PhoneNumberId is not null && d.Numbers.ContainsKey(c.PhoneNumberId)).ToList()))
            .ToList();
        var numberIds = work.SelectMany(w => w.Changes.Select(c => w.Numbers[c.PhoneNumberId!].Id)).Distinct().ToList();
        var changes = work.SelectMany(w => w.Changes).ToList();

        // One set of reads for the whole batch.
        var wamids = changes.SelectMany(c => c.Messages.Select(m => m.Id).Concat(c.Statuses.Select(s => s.Id))).OfType<string>().Distinct().ToList();
        var existing = await db.Messages
            .Where(m => numberIds.Contains(m.WhatsAppNumberId) && wamids.Contains(m.WhatsAppMessageId!))
            .ToListAsync(cancellationToken);
        var messagesByKey = existing.ToDictionary(m => (m.WhatsAppNumberId, m.WhatsAppMessageId!));

        var customerKeys = changes.SelectMany(c => c.Messages.Select(m => m.From ?? m.FromUserId)).OfType<string>().Distinct().ToList();
        var conversations = (await db.Conversations
                .Where(c => numberIds.Contains(c.WhatsAppNumberId) && customerKeys.Contains(c.CustomerKey))
                .ToListAsync(cancellationToken))
            .ToDictionary(c => (c.WhatsAppNumberId, c.CustomerKey));

        var pendingStatuses = await db.PendingStatusUpdates
            .Where(p => numberIds.Contains(p.WhatsAppNumberId) && wamids.Contains(p.WhatsAppMessageId))
            .Select(p => new { p.WhatsAppNumberId, p.WhatsAppMessageId, p.Status })
            .ToListAsync(cancellationToken);
        var keptStatuses = pendingStatuses.Select(p => (p.WhatsAppNumberId, p.WhatsAppMessageId, p.Status)).ToHashSet();

        var batch = new Batch(messagesByKey, conversations, keptStatuses, numberIds, now);
        var receipts = new List<WebhookReceipt>(work.Count);
        foreach (var (numbers, deliveryChanges) in work)
        {
            receipts.Add(await StoreDeliveryAsync(batch, numbers, deliveryChanges, cancellationToken));
        }

        await db.SaveChangesAsync(cancellationToken);
        LogStored(logger, deliveries.Count, receipts.Sum(r => r.MessagesStored), receipts.Sum(r => r.Duplicates),
            receipts.Sum(r => r.StatusesApplied), receipts.Sum(r => r.StatusesKept));
        return (receipts, batch.ToAnswer);
    }

    private async Task<WebhookReceipt> StoreDeliveryAsync(
        Batch batch, IReadOnlyDictionary<string, KnownNumber> accepted, List<WebhookChange> changes, CancellationToken cancellationToken)
    {
        int stored = 0, duplicates = 0, applied = 0, kept = 0;
        var now = batch.Now;
        foreach (var change in changes)
        {
            var number = accepted[change.PhoneNumberId!];
            if (!string.Equals(change.Field, "messages", StringComparison.Ordinal))
            {
                LogOtherField(logger, change.Field, number.PhoneNumberId);
                continue;
            }

            foreach (var error in change.Errors)
            {
                LogWebhookError(logger, number.PhoneNumberId, error);
                batch.NumberEntities ??= await db.WhatsAppNumbers.Where(n => batch.NumberIds.Contains(n.Id)).ToDictionaryAsync(n => n.Id, cancellationToken);
                batch.NumberEntities[number.Id].RecordWebhookError(error, now);
            }

            foreach (var incoming in change.Messages)
            {
                var customerKey = incoming.From ?? incoming.FromUserId;
                if (incoming.Id is null || customerKey is null)
                {
                    LogMessageSkipped(logger, number.PhoneNumberId, incoming.Content.Type, incoming.Id is null ? "it has no id" : "it names no sender");
                    continue;
                }

                if (batch.MessagesByKey.ContainsKey((number.Id, incoming.Id)))
                {
                    duplicates++;
                    continue;
                }

                if (!batch.Conversations.TryGetValue((number.Id, customerKey), out var conversation))
                {
                    conversation = Conversation.Start(number.Id, incoming.From, incoming.FromUserId, now);
                    db.Conversations.Add(conversation);
                    batch.Conversations[(number.Id, customerKey)] = conversation;
                }

                var contact = change.Contacts.FirstOrDefault(c =>
                        (c.WaId is not null && c.WaId == incoming.From) || (c.UserId is not null && c.UserId == incoming.FromUserId))
                    ?? (change.Contacts.Count == 1 ? change.Contacts[0] : null);
                var message = Message.Inbound(conversation, incoming.Id, incoming.Content, incoming.Timestamp ?? now, now);
                db.Messages.Add(message);
                batch.MessagesByKey[(number.Id, incoming.Id)] = message;
                var answering = number.Status == NumberStatus.Active;
                conversation.RecordInbound(message, contact?.Name, incoming.FromUserId ?? contact?.UserId, answering, now);
                if (conversation.ReplyPending && answering)
                {
                    batch.ToAnswer.Add(conversation.Id);
                }

                stored++;
            }

            foreach (var status in change.Statuses)
            {
                var parsed = MessageStatusRules.FromMeta(status.Status);
                if (status.Id is null || parsed is null)
                {
                    LogStatusSkipped(logger, number.PhoneNumberId, status.Status);
                    continue;
                }

                var at = status.Timestamp ?? now;
                if (batch.MessagesByKey.TryGetValue((number.Id, status.Id), out var target))
                {
                    if (target.ApplyStatus(parsed.Value, at, status.ErrorCode, status.ErrorTitle))
                    {
                        applied++;
                    }
                }
                else if (batch.KeptStatuses.Add((number.Id, status.Id, parsed.Value)))
                {
                    // Meta does not promise order: the status may name a reply whose send is not yet recorded.
                    db.PendingStatusUpdates.Add(PendingStatusUpdate.Keep(number.Id, status.Id, parsed.Value, at, status.ErrorCode, status.ErrorTitle, now));
                    kept++;
                }
            }
        }

        return new WebhookReceipt(stored, duplicates, applied, kept, Ignored: false);
    }

    /// <summary>What the deliveries of one transaction share: the rows read once, and what the earlier deliveries added.</summary>
    private sealed class Batch(
        Dictionary<(Guid, string), Message> messagesByKey,
        Dictionary<(Guid, string), Conversation> conversations,
        HashSet<(Guid, string, MessageStatus)> keptStatuses,
        List<Guid> numberIds,
        DateTime now)
    {
        public Dictionary<(Guid, string), Message> MessagesByKey { get; } = messagesByKey;
        public Dictionary<(Guid, string), Conversation> Conversations { get; } = conversations;
        public HashSet<(Guid, string, MessageStatus)> KeptStatuses { get; } = keptStatuses;
        public List<Guid> NumberIds { get; } = numberIds;
        public DateTime Now { get; } = now;
        public HashSet<Guid> ToAnswer { get; } = [];
        public Dictionary<Guid, WhatsAppNumber>? NumberEntities { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not schedule the reply of conversation {ConversationId}; the pending-reply sweeper schedules it shortly")]
    private static partial void LogScheduleFailed(ILogger logger, Guid conversationId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook field {Field} for phone_number_id {PhoneNumberId} acknowledged; nothing to store")]
    private static partial void LogOtherField(ILogger logger, string field, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta reported an error for phone_number_id {PhoneNumberId}: {Error}")]
    private static partial void LogWebhookError(ILogger logger, string phoneNumberId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a {Type} message for phone_number_id {PhoneNumberId}: {Reason}")]
    private static partial void LogMessageSkipped(ILogger logger, string phoneNumberId, string type, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped a status '{Status}' for phone_number_id {PhoneNumberId}: no id or an unknown status")]
    private static partial void LogStatusSkipped(ILogger logger, string phoneNumberId, string status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Storing {Deliveries} webhook deliveries failed on attempt {Attempt} ({Error}); trying again")]
    private static partial void LogStoreRetry(ILogger logger, int deliveries, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Deliveries} webhook deliveries stored {Stored} message(s), {Duplicates} redelivered, {Applied} status(es) applied, {Kept} kept for later")]
    private static partial void LogStored(ILogger logger, int deliveries, int stored, int duplicates, int applied, int kept);
}
