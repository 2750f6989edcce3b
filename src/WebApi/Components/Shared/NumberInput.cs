using System.Text.RegularExpressions;
using CleanAgent.Application.Numbers;
using CleanAgent.Application.Numbers.AddWhatsAppNumber;
using CleanAgent.Application.Numbers.UpdateWhatsAppNumber;

namespace CleanAgent.WebApi.Components.Shared;

/// <summary>The guide's "Add WhatsApp Number" form, as posted. Everything is text; the commands' validators judge it.</summary>
public sealed partial class NumberInput
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
    public bool CallsEnabled { get; set; }

    /// <summary>The IANA time zone of <see cref="CallHours"/>.</summary>
    public string? CallHoursTimeZone { get; set; }

    /// <summary>One range a line, e.g. <c>Mon-Fri 09:00-18:00</c>; empty: calls at any time.</summary>
    public string? CallHours { get; set; }

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
        CallsEnabled = number.CallsEnabled,
        CallHoursTimeZone = number.CallHours?.TimeZone,
        CallHours = number.CallHours?.Ranges is { } ranges
            ? string.Join("\n", ranges.Select(r => $"{string.Join(",", (r.Days ?? []).Select(d => d[..3]))} {r.From}-{r.To}"))
            : null,
    };

    public AddWhatsAppNumberCommand ToAddCommand() =>
        new(PhoneNumber, DisplayName, PhoneNumberId, Status, Agent, AppId, AppSecret, BusinessId, AccessToken, GraphApiVersion, WabaId: WabaId, IsSandbox: IsSandbox, CallsEnabled: CallsEnabled, CallHours: Hours(forUpdate: false));

    public UpdateWhatsAppNumberCommand ToUpdateCommand(Guid id) =>
        new(PhoneNumber, DisplayName, PhoneNumberId, Status, Agent, AppId, AppSecret, BusinessId, AccessToken, GraphApiVersion, WabaId: WabaId, IsSandbox: IsSandbox, CallsEnabled: CallsEnabled, CallHours: Hours(forUpdate: true)) { Id = id };

    private Guid? Agent => Guid.TryParse(AgentId, out var id) ? id : null;

    /// <summary>
    /// The lines as the API's ranges: <c>Mon-Fri 09:00-18:00</c>, <c>Sat,Sun 10:00-12:00</c>. What does not read as a line of
    /// days and two times is passed on as it is, so the validator names it (its messages say which line).
    /// </summary>
    private CallHoursDto? Hours(bool forUpdate)
    {
        var lines = (CallHours ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return forUpdate ? new CallHoursDto(CallHoursTimeZone, []) : null;
        }

        return new CallHoursDto(CallHoursTimeZone, lines.Select(line => HoursLine().Match(line) is { Success: true } m
            ? new CallHoursRangeDto(Days(m.Groups["days"].Value), m.Groups["from"].Value, m.Groups["to"].Value)
            : new CallHoursRangeDto([line], null, null)).ToList());
    }

    private static List<string> Days(string text)
    {
        var days = new List<string>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = item.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length == 2 && Domain.Numbers.CallHours.TryParseDay(ends[0], out var first) && Domain.Numbers.CallHours.TryParseDay(ends[1], out var last))
            {
                for (var day = first; ; day = (DayOfWeek)(((int)day + 1) % 7))
                {
                    days.Add(day.ToString());
                    if (day == last)
                    {
                        break;
                    }
                }
            }
            else
            {
                days.Add(item);
            }
        }

        return days;
    }

    [GeneratedRegex(@"^(?<days>[^0-9]+?)\s+(?<from>[0-9]{1,2}:[0-9]{2})\s*(?:-|–|to)\s*(?<to>[0-9]{1,2}:[0-9]{2})$")]
    private static partial Regex HoursLine();
}
