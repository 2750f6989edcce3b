using System.Globalization;

namespace CleanAgent.Domain.Numbers;

/// <summary>
/// When a number's agent takes WhatsApp calls: time ranges on days of the week, in the number's IANA time zone
/// (daylight saving follows the zone). A range whose end is not after its start runs past midnight and belongs to the
/// day it starts on (<c>Fri 22:00-02:00</c> is Friday night). Outside every range a call is rejected.
/// </summary>
public sealed class CallHours : IEquatable<CallHours>
{
    public const int MaxRanges = 28;

    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    private readonly TimeZoneInfo _zone;

    private CallHours(TimeZoneInfo zone, string timeZoneId, IReadOnlyList<CallHoursRange> ranges)
    {
        _zone = zone;
        TimeZoneId = timeZoneId;
        Ranges = ranges;
    }

    /// <summary>The IANA id, e.g. <c>Europe/Rome</c>.</summary>
    public string TimeZoneId { get; }

    public IReadOnlyList<CallHoursRange> Ranges { get; }

    /// <summary>Whether <paramref name="timeZoneId"/> names a time zone this machine knows.</summary>
    public static bool IsKnownTimeZone(string? timeZoneId) =>
        !string.IsNullOrWhiteSpace(timeZoneId) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId.Trim(), out _);

    /// <exception cref="ArgumentException">An unknown time zone, no range, or a range that is empty or has no day.</exception>
    public static CallHours Create(string timeZoneId, IEnumerable<CallHoursRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        if (string.IsNullOrWhiteSpace(timeZoneId) || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId.Trim(), out var zone))
        {
            throw new ArgumentException($"Unknown time zone '{timeZoneId}'.", nameof(timeZoneId));
        }

        var list = ranges.ToList();
        if (list.Count is 0 or > MaxRanges || list.Any(r => r.Days.Count == 0 || r.From == r.To))
        {
            throw new ArgumentException($"Call hours need 1 to {MaxRanges} ranges, each with a day and a start other than its end.", nameof(ranges));
        }

        return new CallHours(zone, timeZoneId.Trim(), list);
    }

    public bool IsOpenAt(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, _zone);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        var day = local.DayOfWeek;
        var yesterday = (DayOfWeek)(((int)day + 6) % 7);
        return Ranges.Any(r => r.From < r.To
            ? r.Days.Contains(day) && time >= r.From && time < r.To
            : (r.Days.Contains(day) && time >= r.From) || (r.Days.Contains(yesterday) && time < r.To));
    }

    /// <summary>Three-letter English names (<c>Mon</c>) or full ones (<c>Monday</c>), in any case.</summary>
    public static bool TryParseDay(string? text, out DayOfWeek day)
    {
        day = default;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        for (var i = 0; i < 7; i++)
        {
            var full = ((DayOfWeek)i).ToString();
            if (string.Equals(value, DayNames[i], StringComparison.OrdinalIgnoreCase) || string.Equals(value, full, StringComparison.OrdinalIgnoreCase))
            {
                day = (DayOfWeek)i;
                return true;
            }
        }

        return false;
    }

    /// <summary>A 24-hour <c>HH:mm</c> time.</summary>
    public static bool TryParseTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    public static string DayName(DayOfWeek day) => DayNames[(int)day];

    /// <summary>E.g. <c>Mon-Fri 09:00-18:00; Sat 10:00-12:00 (Europe/Rome)</c>.</summary>
    public override string ToString() => string.Join("; ", Ranges.Select(r => r.ToString())) + $" ({TimeZoneId})";

    public bool Equals(CallHours? other) => other is not null && ToString() == other.ToString();

    public override bool Equals(object? obj) => Equals(obj as CallHours);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}

/// <summary>One range of call hours: from <see cref="From"/> to <see cref="To"/> (exclusive) on each of <see cref="Days"/>.</summary>
public sealed record CallHoursRange
{
    public CallHoursRange(IEnumerable<DayOfWeek> days, TimeOnly from, TimeOnly to)
    {
        Days = days.Distinct().OrderBy(d => ((int)d + 6) % 7).ToList(); // Monday first
        From = new TimeOnly(from.Hour, from.Minute);
        To = new TimeOnly(to.Hour, to.Minute);
    }

    public IReadOnlyList<DayOfWeek> Days { get; }
    public TimeOnly From { get; }
    public TimeOnly To { get; }

    public override string ToString() =>
        string.Join(",", Days.Select(CallHours.DayName)) + " " + From.ToString("HH:mm", CultureInfo.InvariantCulture) + "-" + To.ToString("HH:mm", CultureInfo.InvariantCulture);
}
