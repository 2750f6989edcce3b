using System.Globalization;
using System.Text.RegularExpressions;

namespace CleanAgent.Domain.Common;

/// <summary>A Meta Graph API version such as <c>v24.0</c>.</summary>
public static partial class GraphApiVersion
{
    /// <summary>The version new numbers get when none is given.</summary>
    public const string Default = "v24.0";

    /// <summary>Versions Meta has switched off, with the day they stopped working.</summary>
    private static readonly Dictionary<string, DateOnly> Expiries = new(StringComparer.Ordinal)
    {
        ["v17.0"] = new DateOnly(2025, 1, 21),
        ["v18.0"] = new DateOnly(2025, 5, 26),
        ["v19.0"] = new DateOnly(2025, 5, 21),
        ["v20.0"] = new DateOnly(2026, 9, 24),
    };

    // [0-9] and \z, not \d and $: \d takes any Unicode digit (which int.Parse then refuses) and $ allows a trailing newline.
    [GeneratedRegex(@"^v([0-9]{1,2})\.([0-9])\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    public static bool HasValidShape(string? version) => version is not null && Shape().IsMatch(version);

    /// <summary>True when Meta no longer serves this version on the given day (every version before v20.0 has expired).</summary>
    public static bool IsExpired(string version, DateOnly today)
    {
        if (Expiries.TryGetValue(version, out var expiry))
        {
            return today >= expiry;
        }

        var match = Shape().Match(version);
        return match.Success && int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) < 20;
    }
}
