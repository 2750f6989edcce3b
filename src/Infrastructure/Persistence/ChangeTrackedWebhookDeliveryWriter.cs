using CleanAgent.Application.Webhooks;
using CleanAgent.Application.Webhooks.ReceiveMetaWebhook;
using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Infrastructure.Persistence;

/// <summary>
/// Stores a batch of verified deliveries in one transaction: one set of reads, the domain's rules applied in memory,
/// one save. Identity changes are applied before the other messages of their delivery.
/// </summary>
internal sealed partial class ChangeTrackedWebhookDeliveryWriter(AppDbContext db, TimeProvider time, ILogger<ChangeTrackedWebhookDeliveryWriter> logger) : IWebhookDeliveryWriter
{
    // Concurrent deliveries of the same message (here and on other instances) race on the unique wamid index; the losers retry from fresh reads.
    private const int MaxAttempts = 5;

    public async Task<IReadOnlyList<StoredWebhookDelivery>> StoreAsync(IReadOnlyList<VerifiedWebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (!deliveries.Any(d => d.Payload.Changes.Any(c => c.Messages.Any(m => m.IdentityChange is not null))))
                {
                    // One save, one transaction of its own: the common case costs no extra round trips.
                    return await StoreOnceAsync(deliveries, cancellationToken);
                }

                // A merge moves messages before the save; both commit together. PostgreSQL's retrying strategy runs the
                // whole transaction again after a transient fault, from fresh reads.
                return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
                {
                    db.ChangeTracker.Clear();
                    await using var transaction = await db.Database.BeginTransactionAsync(ct);
                    var stored = await StoreOnceAsync(deliveries, ct);
                    await transaction.CommitAsync(ct);
                    return stored;
                }, cancellationToken);
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts)
            {
                LogStoreRetry(logger, deliveries.Count, attempt, ex.GetType().Name);
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<IReadOnlyList<StoredWebhookDelivery>> StoreOnceAsync(IReadOnlyList<VerifiedWebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var work = deliveries
            .Select(d => d.Payload.Changes.SelectMany(c => d.NumbersOf(c).Select(n => new NumberChange(n, c))).ToList())
            .ToList();
        var batch = await ReadAsync(work.SelectMany(w => w).ToList(), now, cancellationToken);
        var stored = new List<StoredWebhookDelivery>(work.Count);
        foreach (var changes in work)
        {
            var receipt = new Receipt();
            foreach (var change in changes.Where(c => c.Change.IsConversationField))
            {
                await ApplyIdentityChangesAsync(batch, change, cancellationToken);
            }

            foreach (var change in changes)
            {
                await StoreChangeAsync(batch, change, receipt, cancellationToken);
            }

            stored.Add(new StoredWebhookDelivery(receipt.ToReceipt(), receipt.ToAnswer));
        }

        await db.SaveChangesAsync(cancellationToken);
        LogStored(logger, deliveries.Count, stored.Sum(r => r.Receipt.MessagesStored), stored.Sum(r => r.Receipt.Duplicates),
            stored.Sum(r => r.Receipt.StatusesApplied), stored.Sum(r => r.Receipt.StatusesKept));
        return stored;
    }

    /// <summary>One set of reads for the whole batch: the messages and conversations it names, and the statuses and edits kept for them.</summary>
    private async Task<Batch> ReadAsync(List<NumberChange> changes, DateTime now, CancellationToken cancellationToken)
    {
        var numberIds = changes.Select(c => c.Number.Id).Distinct().ToList();
        var messages = changes.SelectMany(c => c.Change.Messages).ToList();
        var wamids = messages.SelectMany(m => new[] { m.Id, m.RefersTo })
            .Concat(changes.SelectMany(c => c.Change.Statuses.Select(s => s.Id)))
            .Concat(changes.SelectMany(c => c.Change.Calls.Select(s => s.Id)))
            .OfType<string>().Where(id => id.Length <= Message.MaxWhatsAppMessageIdLength).Distinct().ToList();
        // The messages the batch names, and the edits and revokes that arrived before the messages they change.
        var named = await db.Messages
            .Where(m => numberIds.Contains(m.WhatsAppNumberId) &&
                        (wamids.Contains(m.WhatsAppMessageId!) || ((m.Type == "edit" || m.Type == "revoke") && wamids.Contains(m.ContextMessageId!))))
            .ToListAsync(cancellationToken);
        var existing = named.Where(m => wamids.Contains(m.WhatsAppMessageId!)).ToList();
        var earlyEdits = named.Where(m => m.Type is "edit" or "revoke" && m.ContextMessageId is not null && wamids.Contains(m.ContextMessageId)).ToList();

        var identities = messages.Select(m => m.Customer)
            .Concat(messages.Select(m => m.IdentityChange).OfType<WebhookIdentityChange>().Select(i => (i.OldWaId, i.OldUserId)))
            .Concat(changes.SelectMany(c => c.Change.Calls.Select(call => (call.CustomerWaId, call.CustomerUserId))))
            .Concat(changes.SelectMany(c => c.Change.UserPreferences.Select(p => (p.WaId, p.UserId))))
            .ToList();
        var customerKeys = identities.Select(i => Conversation.KeyFor(i.Item1, i.Item2)).OfType<string>()
            .Append(Conversation.UnidentifiedCustomerKey).Distinct().ToList();
        // A user id change may name a customer whose conversation is keyed by their phone number.
        var changedUserIds = messages.Select(m => m.IdentityChange?.OldUserId).OfType<string>().Distinct().ToList();
        var conversations = changedUserIds.Count == 0
            ? await db.Conversations
                .Where(c => numberIds.Contains(c.WhatsAppNumberId) && customerKeys.Contains(c.CustomerKey))
                .ToListAsync(cancellationToken)
            : await db.Conversations
                .Where(c => numberIds.Contains(c.WhatsAppNumberId) && (customerKeys.Contains(c.CustomerKey) || changedUserIds.Contains(c.CustomerUserId!)))
                .ToListAsync(cancellationToken);

        var pendingStatuses = await db.PendingStatusUpdates
            .Where(p => numberIds.Contains(p.WhatsAppNumberId) && wamids.Contains(p.WhatsAppMessageId))
            .Select(p => new { p.WhatsAppNumberId, p.WhatsAppMessageId, p.Status })
            .ToListAsync(cancellationToken);

        return new Batch(
            existing.ToDictionary(m => (m.WhatsAppNumberId, m.WhatsAppMessageId!)),
            conversations.ToDictionary(c => (c.WhatsAppNumberId, c.CustomerKey)),
            pendingStatuses.Select(p => (p.WhatsAppNumberId, p.WhatsAppMessageId, p.Status)).ToHashSet(),
            earlyEdits,
            numberIds,
            now);
    }

    /// <summary>
    /// The customer changed number or user id: their conversation goes on under the new identity. When the new identity
    /// already has a conversation on the number, the two become one, the older, with every message of both.
    /// </summary>
    private async Task ApplyIdentityChangesAsync(Batch batch, NumberChange change, CancellationToken cancellationToken)
    {
        var numberId = change.Number.Id;
        foreach (var identity in change.Change.Messages.Select(m => m.IdentityChange).OfType<WebhookIdentityChange>())
        {
            var conversation = Conversation.KeyFor(identity.OldWaId, identity.OldUserId) is { } oldKey &&
                               batch.Conversations.TryGetValue((numberId, oldKey), out var byKey)
                ? byKey
                : batch.Conversations.Values.FirstOrDefault(c =>
                    c.WhatsAppNumberId == numberId && identity.OldUserId is not null && c.CustomerUserId == identity.OldUserId);
            if (conversation is null)
            {
                continue;
            }

            var previousKey = conversation.CustomerKey;
            if (!conversation.ChangeIdentity(identity.NewWaId, identity.NewUserId))
            {
                continue;
            }

            batch.Conversations.Remove((numberId, previousKey));
            if (batch.Conversations.TryGetValue((numberId, conversation.CustomerKey), out var other) && other != conversation)
            {
                var (older, newer) = other.CreatedAt <= conversation.CreatedAt ? (other, conversation) : (conversation, other);
                await MergeAsync(older, newer, cancellationToken);
                if (older != conversation)
                {
                    older.ChangeIdentity(conversation.CustomerWaId, conversation.CustomerUserId);
                }

                conversation = older;
            }

            batch.Conversations[(numberId, conversation.CustomerKey)] = conversation;
            LogIdentityChanged(logger, change.Number.PhoneNumberId, conversation.Id);
        }
    }

    private async Task MergeAsync(Conversation older, Conversation newer, CancellationToken cancellationToken)
    {
        older.Absorb(newer);
        foreach (var message in db.ChangeTracker.Entries<Message>().Select(e => e.Entity).Where(m => m.ConversationId == newer.Id))
        {
            message.MoveTo(older);
        }

        await db.Messages.Where(m => m.ConversationId == newer.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.ConversationId, older.Id), cancellationToken);
        db.Conversations.Remove(newer);
    }

    private async Task StoreChangeAsync(Batch batch, NumberChange numberChange, Receipt receipt, CancellationToken cancellationToken)
    {
        var (number, change) = numberChange;
        if (!change.IsConversationField)
        {
            var numberEvent = NumberEvent.Record(number.Id, change.Field, change.EventName, change.RawValue ?? "{}", batch.Now);
            db.NumberEvents.Add(numberEvent);
            (await NumberAsync(batch, number.Id, cancellationToken)).RecordEvent(numberEvent);
            LogNumberEvent(logger, Clip(change.Field), Clip(change.EventName), number.PhoneNumberId);
            return;
        }

        foreach (var error in change.Errors)
        {
            LogWebhookError(logger, number.PhoneNumberId, Clip(error));
            (await NumberAsync(batch, number.Id, cancellationToken)).RecordWebhookError(error, batch.Now);
        }

        foreach (var incoming in change.Messages)
        {
            StoreMessage(batch, number, change, incoming, receipt);
        }

        foreach (var status in change.Statuses)
        {
            ApplyStatus(batch, number, status, receipt);
        }

        foreach (var call in change.Calls)
        {
            ApplyCall(batch, number, call, receipt);
        }

        foreach (var preference in change.UserPreferences.Where(p => p.Category is null or "marketing_messages"))
        {
            if (preference.Value?.ToLowerInvariant() is "stop" or "resume")
            {
                ConversationOf(batch, number.Id, preference.WaId, preference.UserId)
                    .RecordMarketingPreference(preference.Value.Equals("stop", StringComparison.OrdinalIgnoreCase), preference.Timestamp ?? batch.Now);
            }
        }
    }

    private void StoreMessage(Batch batch, KnownNumber number, WebhookChange change, WebhookMessage incoming, Receipt receipt)
    {
        if (incoming.Id is null || incoming.Id.Length > Message.MaxWhatsAppMessageIdLength)
        {
            LogMessageSkipped(logger, number.PhoneNumberId, Clip(incoming.Content.Type), incoming.Id is null ? "it has no id" : "its id is too long to store");
            return;
        }

        if (batch.Messages.ContainsKey((number.Id, incoming.Id)))
        {
            receipt.Duplicates++;
            return;
        }

        var (waId, userId) = incoming.Customer;
        var conversation = ConversationOf(batch, number.Id, waId, userId);
        var timestamp = incoming.Timestamp ?? batch.Now;
        Message message;
        if (incoming.Origin == WebhookMessageOrigin.BusinessApp)
        {
            message = Message.Echo(conversation, incoming.Id, incoming.Content, timestamp, batch.Now);
        }
        else if (incoming.Origin == WebhookMessageOrigin.History)
        {
            message = Message.Imported(conversation, incoming.Id, incoming.Content, incoming.FromCustomer, incoming.HistoryStatus, timestamp, batch.Now);
        }
        else
        {
            message = Message.Inbound(conversation, incoming.Id, incoming.Content, timestamp, batch.Now);
        }

        db.Messages.Add(message);
        batch.Messages[(number.Id, incoming.Id)] = message;
        receipt.Stored++;
        if (message.Direction == MessageDirection.Outbound)
        {
            conversation.RecordOutbound(message);
        }
        else
        {
            var contact = change.Contacts.FirstOrDefault(c =>
                    (c.WaId is not null && c.WaId == incoming.From) || (c.UserId is not null && c.UserId == incoming.FromUserId))
                ?? (change.Contacts.Count == 1 ? change.Contacts[0] : null);
            var answering = number.Status == NumberStatus.Active && incoming.Origin == WebhookMessageOrigin.Customer;
            conversation.RecordInbound(message, contact?.Name, incoming.FromUserId ?? contact?.UserId, answering, batch.Now);
            conversation.RecordProfile(contact?.Username, contact?.ParentUserId);
            if (conversation.ReplyPending && answering && message.NeedsReply)
            {
                receipt.ToAnswer.Add(conversation.Id);
            }
        }

        ApplyEdits(batch, number.Id, message);
    }

    /// <summary>An edit or revoke changes the message it names, whichever of the two arrived first.</summary>
    private static void ApplyEdits(Batch batch, Guid numberId, Message message)
    {
        if (message.Type is "edit" or "revoke")
        {
            if (message.ContextMessageId is not null && batch.Messages.TryGetValue((numberId, message.ContextMessageId), out var target))
            {
                Apply(message, target);
            }
            else
            {
                batch.EarlyEdits.Add(message);
            }

            return;
        }

        foreach (var edit in batch.EarlyEdits.Where(e => e.WhatsAppNumberId == numberId && e.ContextMessageId == message.WhatsAppMessageId).OrderBy(e => e.Timestamp))
        {
            Apply(edit, message);
        }

        static void Apply(Message edit, Message target)
        {
            if (edit.Type == "revoke")
            {
                target.Revoke(edit.Timestamp);
            }
            else
            {
                target.ApplyEdit(edit.Text, edit.Timestamp);
            }
        }
    }

    private void ApplyStatus(Batch batch, KnownNumber number, WebhookStatus status, Receipt receipt)
    {
        var parsed = MessageStatusRules.FromMeta(status.Status);
        if (status.Id is null || parsed is null || status.Id.Length > Message.MaxWhatsAppMessageIdLength)
        {
            LogStatusSkipped(logger, number.PhoneNumberId, Clip(status.Status));
            return;
        }

        var at = status.Timestamp ?? batch.Now;
        if (batch.Messages.TryGetValue((number.Id, status.Id), out var target))
        {
            if (target.ApplyStatus(parsed.Value, at, status.ErrorCode, status.ErrorTitle))
            {
                receipt.Applied++;
            }
        }
        else if (batch.KeptStatuses.Add((number.Id, status.Id, parsed.Value)))
        {
            // Meta does not promise order: the status may name a reply whose send is not yet recorded.
            db.PendingStatusUpdates.Add(PendingStatusUpdate.Keep(number.Id, status.Id, parsed.Value, at, status.ErrorCode, status.ErrorTitle, batch.Now));
            receipt.Kept++;
        }
    }

    /// <summary>A call is one message of type <c>call</c> per call id; each event updates it.</summary>
    private void ApplyCall(Batch batch, KnownNumber number, WebhookCall call, Receipt receipt)
    {
        if (call.Id is null || call.Id.Length > Message.MaxWhatsAppMessageIdLength)
        {
            LogMessageSkipped(logger, number.PhoneNumberId, Message.CallType, "its call id is missing or too long");
            return;
        }

        if (!batch.Messages.TryGetValue((number.Id, call.Id), out var message))
        {
            var conversation = ConversationOf(batch, number.Id, call.CustomerWaId, call.CustomerUserId);
            message = Message.Call(conversation, call.Id, call.CustomerCalled, call.Timestamp ?? batch.Now, call.RawJson, batch.Now);
            db.Messages.Add(message);
            batch.Messages[(number.Id, call.Id)] = message;
            receipt.Stored++;
            if (call.CustomerCalled)
            {
                conversation.RecordInbound(message, customerName: null, call.CustomerUserId, answering: false, batch.Now);
            }
            else
            {
                conversation.RecordOutbound(message);
            }
        }

        message.ApplyCallEvent(call.Status, call.DurationSeconds, call.ConnectRawJson);
    }

    /// <summary>The customer's conversation on the number, started when it is the first; the placeholder one when no usable identity is given.</summary>
    private Conversation ConversationOf(Batch batch, Guid numberId, string? waId, string? userId)
    {
        var key = Conversation.KeyFor(waId, userId) ?? Conversation.UnidentifiedCustomerKey;
        if (!batch.Conversations.TryGetValue((numberId, key), out var conversation))
        {
            conversation = key == Conversation.UnidentifiedCustomerKey
                ? Conversation.StartUnidentified(numberId, batch.Now)
                : Conversation.Start(numberId, waId, userId, batch.Now);
            db.Conversations.Add(conversation);
            batch.Conversations[(numberId, key)] = conversation;
        }

        return conversation;
    }

    private async Task<WhatsAppNumber> NumberAsync(Batch batch, Guid numberId, CancellationToken cancellationToken)
    {
        batch.Numbers ??= await db.WhatsAppNumbers.Where(n => batch.NumberIds.Contains(n.Id)).ToDictionaryAsync(n => n.Id, cancellationToken);
        return batch.Numbers[numberId];
    }

    /// <summary>Anything taken from a payload is clipped and stripped of control characters before it reaches a log line.</summary>
    private static string? Clip(string? value) =>
        value is null ? null : new string(value.Take(200).Where(c => !char.IsControl(c)).ToArray());

    private sealed record NumberChange(KnownNumber Number, WebhookChange Change);

    private sealed class Receipt
    {
        public int Stored { get; set; }
        public int Duplicates { get; set; }
        public int Applied { get; set; }
        public int Kept { get; set; }
        public HashSet<Guid> ToAnswer { get; } = [];

        public WebhookReceipt ToReceipt() => new(Stored, Duplicates, Applied, Kept, Ignored: false);
    }

    /// <summary>What the deliveries of one transaction share: the rows read once, and what the earlier deliveries added.</summary>
    private sealed class Batch(
        Dictionary<(Guid, string), Message> messages,
        Dictionary<(Guid, string), Conversation> conversations,
        HashSet<(Guid, string, MessageStatus)> keptStatuses,
        List<Message> earlyEdits,
        List<Guid> numberIds,
        DateTime now)
    {
        public Dictionary<(Guid, string), Message> Messages { get; } = messages;
        public Dictionary<(Guid, string), Conversation> Conversations { get; } = conversations;
        public HashSet<(Guid, string, MessageStatus)> KeptStatuses { get; } = keptStatuses;
        public List<Message> EarlyEdits { get; } = earlyEdits;
        public List<Guid> NumberIds { get; } = numberIds;
        public DateTime Now { get; } = now;
        public Dictionary<Guid, WhatsAppNumber>? Numbers { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook field {Field} ({Event}) for phone_number_id {PhoneNumberId} stored as an event of the number")]
    private static partial void LogNumberEvent(ILogger logger, string? field, string? @event, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "A customer of phone_number_id {PhoneNumberId} changed identity; conversation {ConversationId} goes on under the new one")]
    private static partial void LogIdentityChanged(ILogger logger, string phoneNumberId, Guid conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta reported an error for phone_number_id {PhoneNumberId}: {Error}")]
    private static partial void LogWebhookError(ILogger logger, string phoneNumberId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a {Type} message for phone_number_id {PhoneNumberId}: {Reason}")]
    private static partial void LogMessageSkipped(ILogger logger, string phoneNumberId, string? type, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped a status '{Status}' for phone_number_id {PhoneNumberId}: no id or an unknown status")]
    private static partial void LogStatusSkipped(ILogger logger, string phoneNumberId, string? status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Storing {Deliveries} webhook deliveries failed on attempt {Attempt} ({Error}); trying again")]
    private static partial void LogStoreRetry(ILogger logger, int deliveries, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Deliveries} webhook deliveries stored {Stored} message(s), {Duplicates} redelivered, {Applied} status(es) applied, {Kept} kept for later")]
    private static partial void LogStored(ILogger logger, int deliveries, int stored, int duplicates, int applied, int kept);
}
