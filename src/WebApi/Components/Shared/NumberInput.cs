using CleanAgent.Application.Numbers;
using CleanAgent.Application.Numbers.AddWhatsAppNumber;
using CleanAgent.Application.Numbers.UpdateWhatsAppNumber;

namespace CleanAgent.WebApi.Components.Shared;

/// <summary>The guide's "Add WhatsApp Number" form, as posted. Everything is text; the commands' validators judge it.</summary>
public sealed class NumberInput
{
    public string? PhoneNumber { get; set; }
    public string? DisplayName { get; set; }
    public string? PhoneNumberId { get; set; }
    public string? Status { get; set; } = "Active";
    public string? AgentId { get; set; }
    public string? AppId { get; set; }
    public string? AppSecret { get; set; }
    public string? BusinessId { get; set; }
    public string? AccessToken { get; set; }
    public string? GraphApiVersion { get; set; }
    public string? WabaId { get; set; }
    public bool IsSandbox { get; set; }

    public static NumberInput From(WhatsAppNumberDto number) => new()
    {
        PhoneNumber = number.PhoneNumber,
        DisplayName = number.DisplayName,
        PhoneNumberId = number.PhoneNumberId,
        Status = number.Status.ToString(),
        AgentId = number.AgentId?.ToString(),
        AppId = number.AppId,
        BusinessId = number.BusinessId,
        GraphApiVersion = number.GraphApiVersion,
        WabaId = number.WabaId,
        IsSandbox = number.IsSandbox,
    };

    public AddWhatsAppNumberCommand ToAddCommand() =>
        new(PhoneNumber, DisplayName, PhoneNumberId, Status, Agent, AppId, AppSecret, BusinessId, AccessToken, GraphApiVersion, WabaId: WabaId, IsSandbox: IsSandbox);

    public UpdateWhatsAppNumberCommand ToUpdateCommand(Guid id) =>
        new(PhoneNumber, DisplayName, PhoneNumberId, Status, Agent, AppId, AppSecret, BusinessId, AccessToken, GraphApiVersion, WabaId: WabaId, IsSandbox: IsSandbox) { Id = id };

    private Guid? Agent => Guid.TryParse(AgentId, out var id) ? id : null;
}
