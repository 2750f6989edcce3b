using CleanAgent.Domain.Numbers;

namespace CleanAgent.Application.Numbers;

/// <summary>A number as the API shows it: secrets are never included, only whether they are set.</summary>
public sealed record WhatsAppNumberDto(
    Guid Id,
    string PhoneNumber,
    string DisplayName,
    string PhoneNumberId,
    NumberStatus Status,
    bool IsSandbox,
    Guid? AgentId,
    string? AppId,
    string? BusinessId,
    string? WabaId,
    string GraphApiVersion,
    int? MaxSendsPerSecond,
    bool AppSecretSet,
    bool AccessTokenSet,
    string? AccessTokenLast4,
    string WebhookUrl,
    string? LastWebhookError,
    DateTime? LastWebhookErrorAt,
    string? LastEventField,
    string? LastEvent,
    DateTime? LastEventAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool CallsEnabled = false,
    CallHoursDto? CallHours = null)
{
    public static WhatsAppNumberDto From(WhatsAppNumber number, string webhookUrl) => new(
        number.Id,
        number.PhoneNumber.Value,
        number.DisplayName,
        number.PhoneNumberId,
        number.Status,
        number.IsSandbox,
        number.AgentId,
        number.AppId,
        number.BusinessId,
        number.WabaId,
        number.GraphApiVersion,
        number.MaxSendsPerSecond,
        number.HasAppSecret,
        number.HasAccessToken,
        number.AccessTokenLast4,
        webhookUrl,
        number.LastWebhookError,
        number.LastWebhookErrorAt,
        number.LastEventField,
        number.LastEvent,
        number.LastEventAt,
        number.CreatedAt,
        number.UpdatedAt,
        number.CallsEnabled,
        CallHoursDto.From(number.CallHours));
}
