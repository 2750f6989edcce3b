using CleanAgent.Domain.Conversations;

namespace CleanAgent.Application.Webhooks;

/// <summary>A webhook delivery from Meta, read into our own terms.</summary>
public sealed record WebhookPayload(IReadOnlyList<WebhookChange> Changes)
{
    public IEnumerable<string> PhoneNumberIds =>
        Changes.Select(c => c.PhoneNumberId).OfType<string>().Distinct(StringComparer.Ordinal);

    /// <summary>The WhatsApp Business Accounts of the changes that name no number (account, template and quality events).</summary>
    public IEnumerable<string> AccountIds =>
        Changes.Where(c => c.PhoneNumberId is null).Select(c => c.AccountId).OfType<string>().Distinct(StringComparer.Ordinal);
}

/// <summary>One <c>entry[].changes[]</c> element: a field and what it says about one business number or account.</summary>
/// <param name="AccountId">The WhatsApp Business Account id of the entry (<c>entry[].id</c>).</param>
public sealed record WebhookChange(
    string Field,
    string? PhoneNumberId,
    string? AccountId,
    IReadOnlyList<WebhookContact> Contacts,
    IReadOnlyList<WebhookMessage> Messages,
    IReadOnlyList<WebhookStatus> Statuses,
    IReadOnlyList<string> Errors)
{
    public const string MessagesField = "messages";

    public IReadOnlyList<WebhookCall> Calls { get; init; } = [];

    public IReadOnlyList<WebhookUserPreference> UserPreferences { get; init; } = [];

    /// <summary>The event word of the value (<c>value.event</c>), for account-level fields.</summary>
    public string? EventName { get; init; }

    /// <summary>The <c>value</c> as sent, for fields stored as events of the number.</summary>
    public string? RawValue { get; init; }

    /// <summary>Fields whose content is stored in conversations; any other is stored as an event of the number.</summary>
    public bool IsConversationField => Field is MessagesField or "smb_message_echoes" or "calls" or "history" or "user_preferences";
}

public sealed record WebhookContact(string? WaId, string? UserId, string? Name)
{
    public string? Username { get; init; }
    public string? ParentUserId { get; init; }
}

/// <summary>Where a message comes from: the customer, the business app's echo, or the history sync.</summary>
public enum WebhookMessageOrigin
{
    Customer,
    BusinessApp,
    History,
}

/// <param name="Id">The wamid; null when Meta sent none (such a message is skipped).</param>
/// <param name="From">The customer's wa_id (phone); null for username users.</param>
/// <param name="FromUserId">The customer's business-scoped user id (BSUID).</param>
public sealed record WebhookMessage(string? Id, string? From, string? FromUserId, DateTime? Timestamp, InboundContent Content)
{
    public WebhookMessageOrigin Origin { get; init; }

    /// <summary>For a message the business sent (echo, history): the customer it went to.</summary>
    public string? To { get; init; }

    public string? ToUserId { get; init; }

    /// <summary>Whether the customer sent it (else the business did: echoes, some history) and, for history, the status it had.</summary>
    public bool FromCustomer { get; init; } = true;

    public MessageStatus? HistoryStatus { get; init; }

    /// <summary>For <c>edit</c> and <c>revoke</c>: the wamid of the message they change.</summary>
    public string? RefersTo { get; init; }

    /// <summary>For <c>system</c> messages that change the customer's identity.</summary>
    public WebhookIdentityChange? IdentityChange { get; init; }

    /// <summary>The customer this message belongs to, as (wa_id, user id).</summary>
    public (string? WaId, string? UserId) Customer => FromCustomer
        ? (IdentityChange is { } change ? (change.NewWaId ?? From, change.NewUserId ?? FromUserId) : (From, FromUserId))
        : (To, ToUserId);
}

/// <summary>
/// <c>user_changed_number</c> (old wa_id → new wa_id) or <c>user_changed_user_id</c> (old user id → new user id).
/// </summary>
public sealed record WebhookIdentityChange(string? OldWaId, string? NewWaId, string? OldUserId, string? NewUserId);

public sealed record WebhookStatus(string? Id, string Status, DateTime? Timestamp, string? RecipientId, string? ErrorCode, string? ErrorTitle);

/// <summary>One call event (connect, terminate, or a ringing/accepted/rejected status), keyed by Meta's call id.</summary>
/// <param name="ConnectRawJson">The connect event as sent, SDP offer included; null for other events.</param>
public sealed record WebhookCall(
    string? Id,
    string? CustomerWaId,
    string? CustomerUserId,
    bool CustomerCalled,
    DateTime? Timestamp,
    string? Status,
    int? DurationSeconds,
    string RawJson,
    string? ConnectRawJson)
{
    /// <summary>Meta's event word: <c>connect</c>, <c>terminate</c>; null for a status of a business-placed call.</summary>
    public string? Event { get; init; }

    /// <summary>The caller's WebRTC offer (RFC 8866 SDP) of a <c>connect</c> event.</summary>
    public string? SdpOffer { get; init; }
}

/// <summary>A marketing-messages preference: <c>stop</c> or <c>resume</c>.</summary>
public sealed record WebhookUserPreference(string? WaId, string? UserId, string? Category, string? Value, DateTime? Timestamp);

/// <summary>The body was not JSON, or JSON of a shape Meta does not send.</summary>
public sealed class InvalidWebhookPayloadException(string message) : Exception(message);
