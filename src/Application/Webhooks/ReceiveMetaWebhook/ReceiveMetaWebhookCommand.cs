using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Application.Webhooks.ReceiveMetaWebhook;

/// <summary>A delivery from Meta: the raw bytes as received and the <c>X-Hub-Signature-256</c> header.</summary>
public sealed record ReceiveMetaWebhookCommand(ReadOnlyMemory<byte> Body, string? Signature) : ICommand<WebhookReceipt>;

/// <summary>What a delivery changed, for the response body and the logs.</summary>
public sealed record WebhookReceipt(int MessagesStored, int Duplicates, int StatusesApplied, int StatusesKept, bool Ignored)
{
    public static readonly WebhookReceipt NothingForUs = new(0, 0, 0, 0, Ignored: true);
}

internal sealed partial class ReceiveMetaWebhookCommandHandler(
    IApplicationDbContext db,
    IWebhookPayloadReader reader,
    IWebhookSignatureVerifier verifier,
    INumberDirectory directory,
    IReplyScheduler scheduler,
    TimeProvider time,
    ILogger<ReceiveMetaWebhookCommandHandler> logger) : ICommandHandler<ReceiveMetaWebhookCommand, WebhookReceipt>
{
    // Concurrent deliveries of the same message race on the unique wamid index; the losers retry from fresh reads.
    private const int MaxAttempts = 5;

    public async ValueTask<WebhookReceipt> Handle(ReceiveMetaWebhookCommand command, CancellationToken cancellationToken)
    {
        var payload = reader.Read(command.Body);
        var phoneNumberIds = payload.PhoneNumberIds.ToList();
        var known = await directory.FindAsync(phoneNumberIds, cancellationToken);
        if (known.Count == 0)
        {
            if (phoneNumberIds.Count > 0)
            {
                LogUnknownNumbers(logger, string.Join(", ", phoneNumberIds));
            }
            else
            {
                LogNoNumbers(logger, string.Join(", ", payload.Changes.Select(c => c.Field).Distinct()));
            }

            return WebhookReceipt.NothingForUs;
        }

        var accepted = Verify(command, known);
        foreach (var unknown in phoneNumberIds.Where(id => !known.ContainsKey(id)))
        {
            LogUnknownNumbers(logger, unknown);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (receipt, conversationsToAnswer) = await StoreAsync(payload, accepted, cancellationToken);
                foreach (var conversationId in conversationsToAnswer)
                {
                    ScheduleReply(conversationId);
                }

                return receipt;
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts)
            {
                LogStoreRetry(logger, attempt, ex.GetType().Name);
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

    private Dictionary<string, KnownNumber> Verify(ReceiveMetaWebhookCommand command, IReadOnlyDictionary<string, KnownNumber> known)
    {
        // One delivery carries the numbers of one Meta app; each distinct secret is checked once.
        var verdicts = new Dictionary<string, bool>(StringComparer.Ordinal);
        var accepted = new Dictionary<string, KnownNumber>(StringComparer.Ordinal);
        foreach (var number in known.Values)
        {
            if (number.AppSecret is null)
            {
                continue;
            }

            if (!verdicts.TryGetValue(number.AppSecret, out var valid))
            {
                valid = verifier.IsValid(command.Body.Span, command.Signature, number.AppSecret);
                verdicts[number.AppSecret] = valid;
            }

            if (valid)
            {
                accepted[number.PhoneNumberId] = number;
            }
            else
            {
                LogSignatureMismatch(logger, number.PhoneNumberId);
            }
        }

        if (accepted.Count == 0)
        {
            throw new UnauthorizedException(command.Signature is null
                ? "The X-Hub-Signature-256 header is missing."
                : "The X-Hub-Signature-256 header does not match the body signed with the number's App Secret.");
        }

        return accepted;
    }

    private async Task<(WebhookReceipt Receipt, IReadOnlyCollection<Guid> ConversationsToAnswer)> StoreAsync(
        WebhookPayload payload, Dictionary<string, KnownNumber> accepted, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var changes = payload.Changes.Where(c => c.PhoneNumberId is not null && accepted.ContainsKey(c.PhoneNumberId)).ToList();
        var numberIds = changes.Select(c => accepted[c.PhoneNumberId!].Id).Distinct().ToList();

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

        int stored = 0, duplicates = 0, applied = 0, kept = 0;
        var toAnswer = new HashSet<Guid>();
        Dictionary<Guid, WhatsAppNumber>? numberEntities = null;

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
                numberEntities ??= await db.WhatsAppNumbers.Where(n => numberIds.Contains(n.Id)).ToDictionaryAsync(n => n.Id, cancellationToken);
                numberEntities[number.Id].RecordWebhookError(error, now);
            }

            foreach (var incoming in change.Messages)
            {
                var customerKey = incoming.From ?? incoming.FromUserId;
                if (incoming.Id is null || customerKey is null)
                {
                    LogMessageSkipped(logger, number.PhoneNumberId, incoming.Content.Type, incoming.Id is null ? "it has no id" : "it names no sender");
                    continue;
                }

                if (messagesByKey.ContainsKey((number.Id, incoming.Id)))
                {
                    duplicates++;
                    continue;
                }

                if (!conversations.TryGetValue((number.Id, customerKey), out var conversation))
                {
                    conversation = Conversation.Start(number.Id, incoming.From, incoming.FromUserId, now);
                    db.Conversations.Add(conversation);
                    conversations[(number.Id, customerKey)] = conversation;
                }

                var contact = change.Contacts.FirstOrDefault(c =>
                        (c.WaId is not null && c.WaId == incoming.From) || (c.UserId is not null && c.UserId == incoming.FromUserId))
                    ?? (change.Contacts.Count == 1 ? change.Contacts[0] : null);
                var message = Message.Inbound(conversation, incoming.Id, incoming.Content, incoming.Timestamp ?? now, now);
                db.Messages.Add(message);
                messagesByKey[(number.Id, incoming.Id)] = message;
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
                if (messagesByKey.TryGetValue((number.Id, status.Id), out var target))
                {
                    if (target.ApplyStatus(parsed.Value, at, status.ErrorCode, status.ErrorTitle))
                    {
                        applied++;
                    }
                }
                else if (keptStatuses.Add((number.Id, status.Id, parsed.Value)))
                {
                    // Meta does not promise order: the status may name a reply whose send is not yet recorded.
                    db.PendingStatusUpdates.Add(PendingStatusUpdate.Keep(number.Id, status.Id, parsed.Value, at, status.ErrorCode, status.ErrorTitle, now));
                    kept++;
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        LogStored(logger, stored, duplicates, applied, kept);
        return (new WebhookReceipt(stored, duplicates, applied, kept, Ignored: false), toAnswer);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not schedule the reply of conversation {ConversationId}; the pending-reply sweeper schedules it shortly")]
    private static partial void LogScheduleFailed(ILogger logger, Guid conversationId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook for unregistered phone_number_id(s) {PhoneNumberIds} acknowledged and dropped; add the number to CleanAgent to receive its messages")]
    private static partial void LogUnknownNumbers(ILogger logger, string phoneNumberIds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook with no phone number (fields {Fields}) acknowledged and dropped")]
    private static partial void LogNoNumbers(ILogger logger, string fields);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook signature does not match the App Secret of phone_number_id {PhoneNumberId}")]
    private static partial void LogSignatureMismatch(ILogger logger, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook field {Field} for phone_number_id {PhoneNumberId} acknowledged; nothing to store")]
    private static partial void LogOtherField(ILogger logger, string field, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta reported an error for phone_number_id {PhoneNumberId}: {Error}")]
    private static partial void LogWebhookError(ILogger logger, string phoneNumberId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a {Type} message for phone_number_id {PhoneNumberId}: {Reason}")]
    private static partial void LogMessageSkipped(ILogger logger, string phoneNumberId, string type, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped a status '{Status}' for phone_number_id {PhoneNumberId}: no id or an unknown status")]
    private static partial void LogStatusSkipped(ILogger logger, string phoneNumberId, string status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Storing the webhook failed on attempt {Attempt} ({Error}); trying again")]
    private static partial void LogStoreRetry(ILogger logger, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook stored {Stored} message(s), {Duplicates} redelivered, {Applied} status(es) applied, {Kept} kept for later")]
    private static partial void LogStored(ILogger logger, int stored, int duplicates, int applied, int kept);
}
