using System.Data.Common;
using CleanAgent.Application.Webhooks;
using CleanAgent.Application.Webhooks.ReceiveMetaWebhook;
using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using CleanAgent.Infrastructure.Persistence.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Infrastructure.Persistence;

/// <summary>
/// Stores a batch of verified deliveries with set-based SQL (<see cref="WebhookSql"/>), in one transaction and with no
/// change-tracked reads: one insert of the batch's conversations that skips those that exist, one insert of its messages
/// that skips known wamids, one update of the conversations by what was stored, one update of the statuses per round
/// (a message named by several statuses of the batch gets them in arrival order), one insert of the statuses kept for
/// later. The domain builds the rows and computes what each conversation gains; the SQL applies it.
/// Batches holding a rare shape (identity changes, history, edits and revokes, calls, preferences, account events,
/// errors) go to <see cref="ChangeTrackedWebhookDeliveryWriter"/>, which reads and applies the domain in memory.
/// </summary>
internal sealed partial class WebhookDeliveryWriter(
    AppDbContext db,
    ChangeTrackedWebhookDeliveryWriter changeTracked,
    TimeProvider time,
    ILogger<WebhookDeliveryWriter> logger) : IWebhookDeliveryWriter
{
    public async Task<IReadOnlyList<StoredWebhookDelivery>> StoreAsync(IReadOnlyList<VerifiedWebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        if (!deliveries.All(IsCommon))
        {
            return await changeTracked.StoreAsync(deliveries, cancellationToken);
        }

        // No unique index is raced (conflicts are skipped in SQL); PostgreSQL's retrying strategy runs the whole transaction
        // again after a transient fault such as a deadlock with another instance. Anything else fails the batch, and the
        // queue then stores its deliveries one by one.
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(deliveries, StoreInTransactionAsync, verifySucceeded: null, cancellationToken);
    }

    /// <summary>Customers' messages, echoes and statuses; anything else needs the change-tracked writer.</summary>
    public static bool IsCommon(VerifiedWebhookDelivery delivery) =>
        delivery.Payload.Changes.All(c =>
            c.Field is WebhookChange.MessagesField or "smb_message_echoes" &&
            c.Errors.Count == 0 && c.Calls.Count == 0 && c.UserPreferences.Count == 0 &&
            c.Messages.All(m => m.IdentityChange is null && m.Origin != WebhookMessageOrigin.History && m.Content.Type is not ("edit" or "revoke")));

    private async Task<IReadOnlyList<StoredWebhookDelivery>> StoreInTransactionAsync(
        DbContext context, IReadOnlyList<VerifiedWebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        var sql = WebhookSql.For(db);
        var plan = Plan(deliveries, time.GetUtcNow().UtcDateTime);
        var gate = (db as SqliteAppDbContext)?.WriteGate();
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (plan.Messages.Count > 0)
            {
                await StoreMessagesAsync(sql, plan, transaction, cancellationToken);
            }

            if (plan.Statuses.Count > 0)
            {
                await ApplyStatusesAsync(sql, plan, transaction, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            gate?.Release();
        }

        var stored = plan.Receipts.Select(r => new StoredWebhookDelivery(r.ToReceipt(), r.ToAnswer)).ToList();
        LogStored(logger, deliveries.Count, stored.Sum(r => r.Receipt.MessagesStored), stored.Sum(r => r.Receipt.Duplicates),
            stored.Sum(r => r.Receipt.StatusesApplied), stored.Sum(r => r.Receipt.StatusesKept));
        return stored;
    }

    /// <summary>The rows of the batch, built by the domain: the first of several copies of a message wins, as if stored one after the other.</summary>
    private BatchPlan Plan(IReadOnlyList<VerifiedWebhookDelivery> deliveries, DateTime now)
    {
        var plan = new BatchPlan(now);
        var seen = new HashSet<(Guid, string)>();
        var rounds = new Dictionary<(Guid, string), int>();
        for (var index = 0; index < deliveries.Count; index++)
        {
            var delivery = deliveries[index];
            var receipt = new Receipt();
            plan.Receipts.Add(receipt);
            foreach (var change in delivery.Payload.Changes)
            {
                foreach (var number in delivery.NumbersOf(change))
                {
                    foreach (var incoming in change.Messages)
                    {
                        if (incoming.Id is null || incoming.Id.Length > Message.MaxWhatsAppMessageIdLength)
                        {
                            LogMessageSkipped(logger, number.PhoneNumberId, Clip(incoming.Content.Type), incoming.Id is null ? "it has no id" : "its id is too long to store");
                        }
                        else if (!seen.Add((number.Id, incoming.Id)))
                        {
                            receipt.Duplicates++;
                        }
                        else
                        {
                            plan.Messages.Add(PlanMessage(plan, number, change, incoming, receipt));
                        }
                    }

                    foreach (var status in change.Statuses)
                    {
                        var parsed = MessageStatusRules.FromMeta(status.Status);
                        if (status.Id is null || parsed is null || status.Id.Length > Message.MaxWhatsAppMessageIdLength)
                        {
                            LogStatusSkipped(logger, number.PhoneNumberId, Clip(status.Status));
                            continue;
                        }

                        var round = rounds[(number.Id, status.Id)] = rounds.GetValueOrDefault((number.Id, status.Id)) + 1;
                        plan.Statuses.Add(new PlannedStatus(
                            new StatusRow(number.Id, status.Id, parsed.Value, status.Timestamp ?? now, status.ErrorCode, status.ErrorTitle), round, receipt));
                    }
                }
            }
        }

        return plan;
    }

    private static PlannedMessage PlanMessage(BatchPlan plan, KnownNumber number, WebhookChange change, WebhookMessage incoming, Receipt receipt)
    {
        var (waId, userId) = incoming.Customer;
        var key = Conversation.KeyFor(waId, userId) ?? Conversation.UnidentifiedCustomerKey;
        if (!plan.Conversations.TryGetValue((number.Id, key), out var conversation))
        {
            conversation = key == Conversation.UnidentifiedCustomerKey
                ? Conversation.StartUnidentified(number.Id, plan.Now)
                : Conversation.Start(number.Id, waId, userId, plan.Now);
            plan.Conversations[(number.Id, key)] = conversation;
        }

        var timestamp = incoming.Timestamp ?? plan.Now;
        if (incoming.Origin == WebhookMessageOrigin.BusinessApp)
        {
            return new PlannedMessage(Message.Echo(conversation, incoming.Id!, incoming.Content, timestamp, plan.Now), key, receipt, null, Answering: false);
        }

        var contact = change.Contacts.FirstOrDefault(c =>
                          (c.WaId is not null && c.WaId == incoming.From) || (c.UserId is not null && c.UserId == incoming.FromUserId))
                      ?? (change.Contacts.Count == 1 ? change.Contacts[0] : null);
        var answering = number.Status == NumberStatus.Active && incoming.Origin == WebhookMessageOrigin.Customer;
        return new PlannedMessage(
            Message.Inbound(conversation, incoming.Id!, incoming.Content, timestamp, plan.Now), key, receipt,
            contact is null ? new WebhookContact(null, incoming.FromUserId, null) : contact with { UserId = incoming.FromUserId ?? contact.UserId },
            answering);
    }

    private async Task StoreMessagesAsync(WebhookSql sql, BatchPlan plan, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        // Rows in key order: two instances storing overlapping batches take their locks in the same order.
        var conversations = plan.Conversations.OrderBy(c => c.Key.Item1).ThenBy(c => c.Key.Item2, StringComparer.Ordinal).Select(c => c.Value);
        await ExecuteAsync(sql.InsertConversations, sql.Rows.Entities(sql.ConversationType, conversations), transaction, cancellationToken);

        var messages = plan.Messages.OrderBy(m => m.Message.WhatsAppNumberId).ThenBy(m => m.Message.WhatsAppMessageId, StringComparer.Ordinal).ToList();
        var keys = messages.ToDictionary(m => m.Message.Id, m => m.CustomerKey);
        var inserted = new Dictionary<Guid, Guid>();
        await QueryAsync(sql.InsertMessages, sql.Rows.Entities(sql.MessageType, messages.Select(m => m.Message), m => keys[m.Id]),
            transaction, r => inserted[r.GetGuid(0)] = r.GetGuid(1), cancellationToken);

        var deltas = new Dictionary<Guid, ConversationDelta>();
        var stored = new List<Message>();
        foreach (var planned in plan.Messages)
        {
            if (!inserted.TryGetValue(planned.Message.Id, out var conversationId))
            {
                planned.Receipt.Duplicates++;
                continue;
            }

            planned.Receipt.Stored++;
            stored.Add(planned.Message);
            var unidentified = planned.CustomerKey == Conversation.UnidentifiedCustomerKey;
            if (!deltas.TryGetValue(conversationId, out var delta))
            {
                deltas[conversationId] = delta = new ConversationDelta(conversationId, unidentified, plan.Now);
            }

            if (planned.Contact is not { } contact)
            {
                delta.RecordOutbound(planned.Message);
                continue;
            }

            delta.RecordInbound(planned.Message, contact.Name, contact.UserId, contact.Username, contact.ParentUserId, planned.Answering);
            if (planned.Answering && planned.Message.NeedsReply && !unidentified)
            {
                planned.Receipt.ToAnswer.Add(conversationId);
            }
        }

        if (deltas.Count == 0)
        {
            return;
        }

        await ExecuteAsync(sql.UpdateConversations,
            sql.Rows.Values(ConversationDelta.Columns, deltas.Values.OrderBy(d => d.Id), d => d.Values()), transaction, cancellationToken);
        await ApplyEarlyEditsAsync(sql, stored, transaction, cancellationToken);
    }

    /// <summary>An edit or revoke that arrived before its message changes it now (rare: read and applied through the domain).</summary>
    private async Task ApplyEarlyEditsAsync(WebhookSql sql, List<Message> stored, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        var editIds = new List<Guid>();
        var rows = sql.Rows.Values(
            [new WebhookSql.Column("WhatsAppNumberId", "guid"), new WebhookSql.Column("WhatsAppMessageId", "string")],
            stored, m => [m.WhatsAppNumberId, m.WhatsAppMessageId]);
        await QueryAsync(sql.FindEarlyEdits, rows, transaction, r => editIds.Add(r.GetGuid(0)), cancellationToken);
        if (editIds.Count == 0)
        {
            return;
        }

        var edits = await db.Messages.AsNoTracking().Where(m => editIds.Contains(m.Id)).ToListAsync(cancellationToken);
        foreach (var target in stored)
        {
            var changes = edits.Where(e => e.WhatsAppNumberId == target.WhatsAppNumberId && e.ContextMessageId == target.WhatsAppMessageId).OrderBy(e => e.Timestamp).ToList();
            if (changes.Count == 0)
            {
                continue;
            }

            foreach (var edit in changes)
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

            await db.Messages.Where(m => m.Id == target.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Text, target.Text)
                .SetProperty(m => m.Caption, target.Caption)
                .SetProperty(m => m.OriginalText, target.OriginalText)
                .SetProperty(m => m.EditedAt, target.EditedAt)
                .SetProperty(m => m.RevokedAt, target.RevokedAt), cancellationToken);
        }
    }

    private async Task ApplyStatusesAsync(WebhookSql sql, BatchPlan plan, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        var applied = new HashSet<(Guid, string)>();
        foreach (var round in plan.Statuses.GroupBy(s => s.Round).OrderBy(g => g.Key))
        {
            var statuses = round.OrderBy(s => s.Row.WhatsAppNumberId).ThenBy(s => s.Row.WhatsAppMessageId, StringComparer.Ordinal).ToList();
            var changed = new HashSet<(Guid, string)>();
            await QueryAsync(sql.ApplyStatuses, sql.Rows.Values(StatusRow.Columns, statuses, s => s.Row.Values()), transaction,
                r => changed.Add((r.GetGuid(0), r.GetString(1))), cancellationToken);
            foreach (var status in statuses.Where(s => changed.Contains((s.Row.WhatsAppNumberId, s.Row.WhatsAppMessageId))))
            {
                status.Receipt.Applied++;
                applied.Add((status.Row.WhatsAppNumberId, status.Row.WhatsAppMessageId));
            }
        }

        // Meta does not promise order: a status may name a reply whose send is not yet recorded. Kept once per status.
        var candidates = plan.Statuses.Where(s => !applied.Contains((s.Row.WhatsAppNumberId, s.Row.WhatsAppMessageId)))
            .DistinctBy(s => (s.Row.WhatsAppNumberId, s.Row.WhatsAppMessageId, s.Row.Status)).ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var kept = new HashSet<(Guid, string, string)>();
        var rows = candidates.Select(s => PendingStatusUpdate.Keep(s.Row.WhatsAppNumberId, s.Row.WhatsAppMessageId, s.Row.Status, s.Row.At, s.Row.ErrorCode, s.Row.ErrorTitle, plan.Now));
        await QueryAsync(sql.KeepStatuses, sql.Rows.Entities(sql.PendingStatusType, rows), transaction,
            r => kept.Add((r.GetGuid(0), r.GetString(1), r.GetString(2))), cancellationToken);
        foreach (var status in candidates.Where(s => kept.Contains((s.Row.WhatsAppNumberId, s.Row.WhatsAppMessageId, s.Row.Status.ToString()))))
        {
            status.Receipt.Kept++;
        }
    }

    private async Task ExecuteAsync(string commandText, string rows, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(commandText, rows, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task QueryAsync(string commandText, string rows, IDbContextTransaction transaction, Action<DbDataReader> read, CancellationToken cancellationToken)
    {
        await using var command = Command(commandText, rows, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            read(reader);
        }
    }

    private DbCommand Command(string commandText, string rows, IDbContextTransaction transaction)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = commandText;
        var parameter = command.CreateParameter();
        parameter.ParameterName = WebhookSql.RowsParameter;
        parameter.DbType = System.Data.DbType.String;
        parameter.Size = -1;
        parameter.Value = rows;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>Anything taken from a payload is clipped and stripped of control characters before it reaches a log line.</summary>
    private static string? Clip(string? value) =>
        value is null ? null : new string(value.Take(200).Where(c => !char.IsControl(c)).ToArray());

    /// <summary>A message to store: its row, its conversation's key, and for a customer's message the contact that came with it.</summary>
    private sealed record PlannedMessage(Message Message, string CustomerKey, Receipt Receipt, WebhookContact? Contact, bool Answering);

    private sealed record PlannedStatus(StatusRow Row, int Round, Receipt Receipt);

    private sealed class BatchPlan(DateTime now)
    {
        public DateTime Now { get; } = now;
        public List<Receipt> Receipts { get; } = [];
        public Dictionary<(Guid, string), Conversation> Conversations { get; } = [];
        public List<PlannedMessage> Messages { get; } = [];
        public List<PlannedStatus> Statuses { get; } = [];
    }

    private sealed class Receipt
    {
        public int Stored { get; set; }
        public int Duplicates { get; set; }
        public int Applied { get; set; }
        public int Kept { get; set; }
        public HashSet<Guid> ToAnswer { get; } = [];

        public WebhookReceipt ToReceipt() => new(Stored, Duplicates, Applied, Kept, Ignored: false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a {Type} message for phone_number_id {PhoneNumberId}: {Reason}")]
    private static partial void LogMessageSkipped(ILogger logger, string phoneNumberId, string? type, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped a status '{Status}' for phone_number_id {PhoneNumberId}: no id or an unknown status")]
    private static partial void LogStatusSkipped(ILogger logger, string phoneNumberId, string? status);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Deliveries} webhook deliveries stored {Stored} message(s), {Duplicates} redelivered, {Applied} status(es) applied, {Kept} kept for later")]
    private static partial void LogStored(ILogger logger, int deliveries, int stored, int duplicates, int applied, int kept);
}
