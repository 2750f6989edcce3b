using CleanAgent.Domain.Numbers;

namespace CleanAgent.Application.Numbers;

/// <summary>A number as the API shows it: secrets are never included, only whether they are set.</summary>
public sealed record WhatsAppNumberDto(
    Guid Id,
    string PhoneNumber,
    string DisplayName,
    string PhoneNumberId,
    NumberStatus Status,
    Guid? AgentId,
    string? AppId,
    string? BusinessId,
    string GraphApiVersion,
    int? MaxSendsPerSecond,
    bool AppSecretSet,
    bool AccessTokenSet,
    string? AccessTokenLast4,
    string WebhookUrl,
    string? LastWebhookError,
    DateTime? LastWebhookErrorAt,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static WhatsAppNumberDto From(WhatsAppNumber number, string webhookUrl) => new(
        number.Id,
        number.PhoneNumber.Value,
        number.DisplayName,
        number.PhoneNumberId,
        number.Status,
        number.AgentId,
        number.AppId,
        number.BusinessId,
        number.GraphApiVersion,
        number.MaxSendsPerSecond,
        number.HasAppSecret,
        number.HasAccessToken,
        number.AccessTokenLast4,
        webhookUrl,
        number.LastWebhookError,
        number.LastWebhookErrorAt,
        number.CreatedAt,
        number.UpdatedAt);
}
