using CleanAgent.Application.Webhooks.ReceiveMetaWebhook;

namespace CleanAgent.Application.Webhooks;

/// <summary>
/// A delivery whose signature was checked, with the numbers it may write for (those whose App Secret signed it), keyed by
/// their phone_number_id; account-level changes go to the numbers of their account among them.
/// </summary>
public sealed record VerifiedWebhookDelivery(WebhookPayload Payload, IReadOnlyDictionary<string, KnownNumber> Numbers, int SizeInBytes)
{
    /// <summary>The numbers a change is for: the one it names, or for an account-level change those of its account.</summary>
    public IEnumerable<KnownNumber> NumbersOf(WebhookChange change)
    {
        if (change.PhoneNumberId is not null)
        {
            return Numbers.TryGetValue(change.PhoneNumberId, out var number) ? [number] : [];
        }

        return change.AccountId is null ? [] : Numbers.Values.Where(n => n.AccountId == change.AccountId);
    }
}

/// <summary>What storing a delivery changed, and the conversations that now wait for a reply (to schedule once committed).</summary>
public sealed record StoredWebhookDelivery(WebhookReceipt Receipt, IReadOnlyCollection<Guid> ConversationsToAnswer);

/// <summary>
/// Stores verified deliveries; concurrent ones share one transaction (see docs/adr/003-webhook-group-commit.md).
/// The task completes once the delivery is committed, with what it changed, or fails with the exception that stopped
/// it. A caller that stops waiting does not stop the store.
/// </summary>
public interface IWebhookDeliveryQueue
{
    Task<StoredWebhookDelivery> StoreAsync(VerifiedWebhookDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>
/// Stores verified deliveries in one transaction, in order, as if one after the other: a message two of them carry is
/// stored once and counted as redelivered in the later one. Answers one result per delivery, in the same order. Called
/// by the queue's writer loop directly, not through the mediator: the request that carried the delivery already ran the
/// pipeline behaviours once.
/// </summary>
public interface IWebhookDeliveryWriter
{
    Task<IReadOnlyList<StoredWebhookDelivery>> StoreAsync(IReadOnlyList<VerifiedWebhookDelivery> deliveries, CancellationToken cancellationToken);
}
