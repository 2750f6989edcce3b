using CleanAgent.Domain.Conversations;

namespace CleanAgent.Application.Webhooks;

/// <summary>A webhook delivery from Meta, read into our own terms.</summary>
public sealed record WebhookPayload(IReadOnlyList<WebhookChange> Changes)
{
    public IEnumerable<string> PhoneNumberIds =>
        Changes.Select(c => c.PhoneNumberId).OfType<string>().Distinct(StringComparer.Ordinal);
}

/// <summary>One <c>entry[].changes[]</c> element: a field and what it says about one business number.</summary>
public sealed record WebhookChange(
    string Field,
    string? PhoneNumberId,
    IReadOnlyList<WebhookContact> Contacts,
    IReadOnlyList<WebhookMessage> Messages,
    IReadOnlyList<WebhookStatus> Statuses,
    IReadOnlyList<string> Errors);

public sealed record WebhookContact(string? WaId, string? UserId, string? Name);

/// <param name="Id">The wamid; null when Meta sent none (such a message is skipped).</param>
/// <param name="From">The customer's wa_id (phone); null for username users.</param>
/// <param name="FromUserId">The customer's business-scoped user id (BSUID).</param>
public sealed record WebhookMessage(string? Id, string? From, string? FromUserId, DateTime? Timestamp, InboundContent Content);

public sealed record WebhookStatus(string? Id, string Status, DateTime? Timestamp, string? RecipientId, string? ErrorCode, string? ErrorTitle);

/// <summary>The body was not JSON, or JSON of a shape Meta does not send.</summary>
public sealed class InvalidWebhookPayloadException(string message) : Exception(message);
