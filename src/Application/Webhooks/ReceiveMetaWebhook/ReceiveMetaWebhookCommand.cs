using CleanAgent.Application.Calls;
using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Common.Logging;
using CleanAgent.Application.Numbers.Templates;
using Mediator;
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
    IWebhookPayloadReader reader,
    IWebhookSignatureVerifier verifier,
    INumberDirectory directory,
    IWebhookDeliveryQueue queue,
    IReplyScheduler scheduler,
    ICallSignals calls,
    ITemplateListCache templates,
    ILogger<ReceiveMetaWebhookCommandHandler> logger) : ICommandHandler<ReceiveMetaWebhookCommand, WebhookReceipt>
{
    public async ValueTask<WebhookReceipt> Handle(ReceiveMetaWebhookCommand command, CancellationToken cancellationToken)
    {
        var payload = reader.Read(command.Body);
        var phoneNumberIds = payload.PhoneNumberIds.ToList();
        var known = new Dictionary<string, KnownNumber>(await directory.FindAsync(phoneNumberIds, cancellationToken), StringComparer.Ordinal);
        foreach (var number in await directory.FindByAccountAsync(payload.AccountIds, cancellationToken))
        {
            known.TryAdd(number.PhoneNumberId, number);
        }

        if (known.Count == 0)
        {
            if (phoneNumberIds.Count > 0)
            {
                LogUnknownNumbers(logger, LogValue.List(phoneNumberIds));
            }
            else
            {
                LogNoNumbers(logger, LogValue.List(payload.Changes.Select(c => c.Field)), LogValue.List(payload.AccountIds));
            }

            return WebhookReceipt.NothingForUs;
        }

        var accepted = Verify(command, known);
        var unknownIds = phoneNumberIds.Where(id => !known.ContainsKey(id)).ToList();
        if (unknownIds.Count > 0)
        {
            LogUnknownNumbers(logger, LogValue.List(unknownIds));
        }

        // Stored together with the deliveries that arrive meanwhile; answered once committed. Scheduling only hands the
        // id to the scheduler's own queue; should a reply not get scheduled, the sweeper finds it pending in the database.
        var delivery = new VerifiedWebhookDelivery(payload, accepted, command.Body.Length);
        var stored = await queue.StoreAsync(delivery, cancellationToken);
        foreach (var conversationId in stored.ConversationsToAnswer)
        {
            scheduler.ScheduleReply(conversationId);
        }

        // A template was approved, paused, rejected or re-categorised: its account's numbers list their templates afresh.
        foreach (var change in payload.Changes.Where(c => ITemplateListCache.TemplateFields.Contains(c.Field)))
        {
            foreach (var number in delivery.NumbersOf(change))
            {
                templates.Forget(number.Id);
            }
        }

        // Calls are answered (or ended) from committed state, like replies: the call is already in the history.
        foreach (var change in payload.Changes.Where(c => c.Calls.Count > 0 && c.PhoneNumberId is not null && accepted.ContainsKey(c.PhoneNumberId)))
        {
            foreach (var call in change.Calls.Where(c => c.CustomerCalled && c.Event is "connect" or "terminate"))
            {
                calls.Notify(accepted[change.PhoneNumberId!], call);
            }
        }

        return stored.Receipt;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook for unregistered phone_number_id(s) {PhoneNumberIds} acknowledged and dropped; add the number to CleanAgent to receive its messages")]
    private static partial void LogUnknownNumbers(ILogger logger, string phoneNumberIds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook for no registered number (fields {Fields}, accounts {AccountIds}) acknowledged and dropped; set the numbers' WABA ID to receive account events")]
    private static partial void LogNoNumbers(ILogger logger, string fields, string accountIds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook signature does not match the App Secret of phone_number_id {PhoneNumberId}")]
    private static partial void LogSignatureMismatch(ILogger logger, string phoneNumberId);
}
