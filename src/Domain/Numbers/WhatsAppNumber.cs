using CleanAgent.Domain.Common;

namespace CleanAgent.Domain.Numbers;

/// <summary>
/// A WhatsApp Business number with its own Meta credentials. The secrets are held only in protected
/// (encrypted) form; the domain never sees them in clear.
/// </summary>
public sealed class WhatsAppNumber
{
    private WhatsAppNumber()
    {
        PhoneNumber = null!;
        DisplayName = string.Empty;
        PhoneNumberId = string.Empty;
        GraphApiVersion = Common.GraphApiVersion.Default;
    }

    public Guid Id { get; private set; }
    public PhoneNumber PhoneNumber { get; private set; }
    public string DisplayName { get; private set; }

    /// <summary>Meta's id of the number; webhooks are routed by it.</summary>
    public string PhoneNumberId { get; private set; }

    public NumberStatus Status { get; private set; }

    /// <summary>A simulator number: its Graph API calls go to the simulated Graph API in the process, never to Meta.</summary>
    public bool IsSandbox { get; private set; }

    /// <summary>Whether the number's agent answers WhatsApp voice calls; off by default (calls are then rejected).</summary>
    public bool CallsEnabled { get; private set; }

    /// <summary>When the agent takes calls; null: at any time.</summary>
    public CallHours? CallHours { get; private set; }

    public Guid? AgentId { get; private set; }
    public string? AppId { get; private set; }
    public string? BusinessId { get; private set; }

    /// <summary>The WhatsApp Business Account the number belongs to; account-level webhooks name it in <c>entry[].id</c>.</summary>
    public string? WabaId { get; private set; }

    public string GraphApiVersion { get; private set; }
    /// <summary>Sends per second from this number; null for <c>Meta:MaxSendsPerSecond</c>.</summary>
    public int? MaxSendsPerSecond { get; private set; }

    public string? ProtectedAppSecret { get; private set; }
    public string? ProtectedAccessToken { get; private set; }
    public string? AccessTokenLast4 { get; private set; }

    /// <summary>The last error Meta reported for this number in a webhook, for operators to see.</summary>
    public string? LastWebhookError { get; private set; }

    public DateTime? LastWebhookErrorAt { get; private set; }

    /// <summary>The latest account, quality or template event Meta sent for this number (its field and event word).</summary>
    public string? LastEventField { get; private set; }

    public string? LastEvent { get; private set; }
    public DateTime? LastEventAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public bool HasAppSecret => ProtectedAppSecret is not null;
    public bool HasAccessToken => ProtectedAccessToken is not null;

    /// <summary>Whether a call placed at <paramref name="at"/> is within the number's call hours (always, without them).</summary>
    public bool TakesCallsAt(DateTimeOffset at) => CallHours?.IsOpenAt(at) ?? true;

    /// <summary>The account id account-level webhooks are matched with: the WABA id, else the Business ID.</summary>
    public string? AccountId => WabaId ?? BusinessId;

    public static WhatsAppNumber Add(WhatsAppNumberSettings settings, DateTime now)
    {
        var number = new WhatsAppNumber { Id = Guid.CreateVersion7(), CreatedAt = now };
        number.Update(settings, now);
        return number;
    }

    public void Update(WhatsAppNumberSettings settings, DateTime now)
    {
        PhoneNumber = settings.PhoneNumber;
        DisplayName = settings.DisplayName.Trim();
        PhoneNumberId = settings.PhoneNumberId.Trim();
        Status = settings.Status;
        IsSandbox = settings.IsSandbox;
        CallsEnabled = settings.CallsEnabled;
        CallHours = settings.CallHours;
        AgentId = settings.AgentId;
        AppId = Blank(settings.AppId);
        BusinessId = Blank(settings.BusinessId);
        WabaId = Blank(settings.WabaId);
        GraphApiVersion = Blank(settings.GraphApiVersion) ?? Common.GraphApiVersion.Default;
        MaxSendsPerSecond = settings.MaxSendsPerSecond;
        UpdatedAt = now;
    }

    /// <summary>Replaces the app secret; <c>null</c> keeps the stored one.</summary>
    public void ReplaceAppSecret(string? protectedAppSecret)
    {
        if (protectedAppSecret is not null)
        {
            ProtectedAppSecret = protectedAppSecret;
        }
    }

    /// <summary>Replaces the access token; <c>null</c> keeps the stored one.</summary>
    public void ReplaceAccessToken(string? protectedAccessToken, string? last4)
    {
        if (protectedAccessToken is not null)
        {
            ProtectedAccessToken = protectedAccessToken;
            AccessTokenLast4 = last4;
        }
    }

    public void UnlinkAgent(DateTime now)
    {
        AgentId = null;
        UpdatedAt = now;
    }

    public void RecordWebhookError(string error, DateTime now)
    {
        LastWebhookError = error.Length > 1000 ? error[..1000] : error;
        LastWebhookErrorAt = now;
    }

    public void RecordEvent(NumberEvent numberEvent)
    {
        if (LastEventAt is null || numberEvent.ReceivedAt >= LastEventAt)
        {
            LastEventField = numberEvent.Field;
            LastEvent = numberEvent.Event;
            LastEventAt = numberEvent.ReceivedAt;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public sealed record WhatsAppNumberSettings(
    PhoneNumber PhoneNumber,
    string DisplayName,
    string PhoneNumberId,
    NumberStatus Status,
    Guid? AgentId,
    string? AppId,
    string? BusinessId,
    string? GraphApiVersion,
    int? MaxSendsPerSecond = null,
    string? WabaId = null,
    bool IsSandbox = false,
    bool CallsEnabled = false,
    CallHours? CallHours = null);
