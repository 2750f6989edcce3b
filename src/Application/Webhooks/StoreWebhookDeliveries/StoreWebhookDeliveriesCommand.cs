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
/// stored once and counted as redelivered in the later one. Answers one result per delivery, in the same order; the
/// replies are scheduled by each delivery's own request, so that one slow queue does not hold up the next batch.
/// </summary>
public sealed record StoreWebhookDeliveriesCommand(IReadOnlyList<VerifiedWebhookDelivery> Deliveries) : ICommand<IReadOnlyList<StoredWebhookDelivery>>;

internal sealed partial class StoreWebhookDeliveriesCommandHandler(
    IApplicationDbContext db,
    TimeProvider time,
    ILogger<StoreWebhookDeliveriesCommandHandler> logger) : ICommandHandler<StoreWebhookDeliveriesCommand, IReadOnlyList<StoredWebhookDelivery>>
{
    // Concurrent deliveries of the same message (here and on other instances) race on the unique wamid index; the losers retry from fresh reads.
    private const int MaxAttempts = 5;

    public async ValueTask<IReadOnlyList<StoredWebhookDelivery>> Handle(StoreWebhookDeliveriesCommand command, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StoreAsync(command.Deliveries, cancellationToken);
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts)
            {
                LogStoreRetry(logger, command.Deliveries.Count, attempt, ex.GetType().Name);
                db.DiscardChanges();
            }
        }
    }

    private async Task<IReadOnlyList<StoredWebhookDelivery>> StoreAsync(
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
        var stored = new List<StoredWebhookDelivery>(work.Count);
        foreach (var (numbers, deliveryChanges) in work)
        {
            stored.Add(await StoreDeliveryAsync(batch, numbers, deliveryChanges, cancellationToken));
        }

        await db.SaveChangesAsync(cancellationToken);
        LogStored(logger, deliveries.Count, stored.Sum(r => r.Receipt.MessagesStored), stored.Sum(r => r.Receipt.Duplicates),
            stored.Sum(r => r.Receipt.StatusesApplied), stored.Sum(r => r.Receipt.StatusesKept));
        return stored;
    }

    private async Task<StoredWebhookDelivery> StoreDeliveryAsync(
        Batch batch, IReadOnlyDictionary<string, KnownNumber> accepted, List<WebhookChange> changes, CancellationToken cancellationToken)
    {
        int stored = 0, duplicates = 0, applied = 0, kept = 0;
        var toAnswer = new HashSet<Guid>();
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
                    toAnswer.Add(conversation.Id);
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

        return new StoredWebhookDelivery(new WebhookReceipt(stored, duplicates, applied, kept, Ignored: false), toAnswer);
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
        public Dictionary<Guid, WhatsAppNumber>? NumberEntities { get; set; }
    }

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
