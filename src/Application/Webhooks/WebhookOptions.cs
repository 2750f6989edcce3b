namespace CleanAgent.Application.Webhooks;

/// <summary>The <c>Meta</c> settings the webhook needs.</summary>
public sealed class WebhookOptions
{
    /// <summary>The token typed into Meta's webhook form; verification is refused while it is unset.</summary>
    public string? VerifyToken { get; set; }
}
