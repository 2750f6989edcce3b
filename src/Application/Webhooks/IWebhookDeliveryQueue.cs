using CleanAgent.Application.Webhooks.ReceiveMetaWebhook;

namespace CleanAgent.Application.Webhooks;

/// <summary>A delivery whose signature was checked, with the numbers it may write for (those whose App Secret signed it).</summary>
public sealed record VerifiedWebhookDelivery(WebhookPayload Payload, IReadOnlyDictionary<string, KnownNumber> Numbers, int SizeInBytes);

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
