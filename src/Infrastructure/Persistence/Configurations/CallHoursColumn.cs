using System.Globalization;
using System.Text.Json;
using CleanAgent.Domain.Numbers;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CleanAgent.Infrastructure.Persistence.Configurations;

/// <summary>A number's call hours in one text column, as JSON: <c>{"timeZone":"Europe/Rome","ranges":[{"days":["Mon"],"from":"09:00","to":"18:00"}]}</c>.</summary>
internal static class CallHoursColumn
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly ValueConverter<CallHours?, string?> Converter = new(h => Write(h), s => Read(s));

    public static readonly ValueComparer<CallHours?> Comparer = new(
        (a, b) => Equals(a, b),
        h => h == null ? 0 : h.GetHashCode(),
        h => h);

    private static string? Write(CallHours? hours) => hours is null
        ? null
        : JsonSerializer.Serialize(
            new Stored(hours.TimeZoneId, hours.Ranges.Select(r => new StoredRange(
                r.Days.Select(CallHours.DayName).ToList(),
                r.From.ToString("HH:mm", CultureInfo.InvariantCulture),
                r.To.ToString("HH:mm", CultureInfo.InvariantCulture))).ToList()),
            Json);

    /// <summary>
    /// What was stored was checked when it was saved; a time zone this machine no longer knows (no tzdata) falls back
    /// to UTC rather than making the number unreadable.
    /// </summary>
    private static CallHours? Read(string? text)
    {
        if (string.IsNullOrEmpty(text) || JsonSerializer.Deserialize<Stored>(text, Json) is not { } stored)
        {
            return null;
        }

        var ranges = stored.Ranges.Select(r => new CallHoursRange(
            r.Days.Select(d => CallHours.TryParseDay(d, out var day) ? day : DayOfWeek.Monday),
            TimeOnly.ParseExact(r.From, "HH:mm", CultureInfo.InvariantCulture),
            TimeOnly.ParseExact(r.To, "HH:mm", CultureInfo.InvariantCulture)));
        return CallHours.Create(CallHours.IsKnownTimeZone(stored.TimeZone) ? stored.TimeZone : "UTC", ranges);
    }

    private sealed record Stored(string TimeZone, List<StoredRange> Ranges);

    private sealed record StoredRange(List<string> Days, string From, string To);
}
