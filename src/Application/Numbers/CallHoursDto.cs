using CleanAgent.Domain.Numbers;

namespace CleanAgent.Application.Numbers;

/// <summary>
/// When the number's agent takes WhatsApp calls (outside them a call is rejected): <c>ranges</c> of days and local
/// times in an IANA <c>timeZone</c>. A range whose <c>to</c> is before its <c>from</c> runs past midnight. On an update,
/// leaving <c>callHours</c> out keeps the stored hours, and an empty <c>ranges</c> removes them (calls at any time).
/// </summary>
/// <param name="TimeZone">An IANA time zone, e.g. <c>Europe/Rome</c>; daylight saving follows it.</param>
/// <param name="Ranges">The hours, e.g. Monday to Friday 09:00 to 18:00.</param>
public sealed record CallHoursDto(string? TimeZone, IReadOnlyList<CallHoursRangeDto>? Ranges)
{
    public static CallHoursDto? From(CallHours? hours) => hours is null
        ? null
        : new CallHoursDto(hours.TimeZoneId, hours.Ranges.Select(r => new CallHoursRangeDto(
            r.Days.Select(d => d.ToString()).ToList(),
            r.From.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            r.To.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture))).ToList());

    /// <summary>The hours as the domain holds them; null for no ranges (calls at any time). Assumes a validated DTO.</summary>
    public CallHours? ToDomain()
    {
        if (Ranges is not { Count: > 0 })
        {
            return null;
        }

        return CallHours.Create(TimeZone!, Ranges.Select(r => new CallHoursRange(
            r.Days!.Select(d => CallHours.TryParseDay(d, out var day) ? day : throw new ArgumentException($"Unknown day '{d}'.", nameof(r))),
            CallHours.TryParseTime(r.From, out var from) ? from : throw new ArgumentException($"Bad time '{r.From}'.", nameof(r)),
            CallHours.TryParseTime(r.To, out var to) ? to : throw new ArgumentException($"Bad time '{r.To}'.", nameof(r)))));
    }
}

/// <summary>One range of call hours.</summary>
/// <param name="Days">Days of the week in English: <c>Monday</c> … <c>Sunday</c> (or <c>Mon</c> … <c>Sun</c>).</param>
/// <param name="From">Local start, 24-hour <c>HH:mm</c>, e.g. <c>09:00</c>.</param>
/// <param name="To">Local end (exclusive), <c>HH:mm</c>; before <c>from</c> for a range past midnight.</param>
public sealed record CallHoursRangeDto(IReadOnlyList<string>? Days, string? From, string? To);
