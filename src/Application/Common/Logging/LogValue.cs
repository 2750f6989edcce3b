using System.Text;

namespace CleanAgent.Application.Common.Logging;

/// <summary>
/// Makes text taken from a request fit for a log line: clipped, and with control characters (CR, LF, ESC, …) escaped,
/// so that a payload can neither flood the log nor forge lines in it.
/// </summary>
public static class LogValue
{
    public const int MaxLength = 64;
    public const int MaxItems = 5;

    /// <summary>The value clipped to <paramref name="maxLength"/> characters, control characters written as <c>\uXXXX</c>.</summary>
    public static string Clip(string? value, int maxLength = MaxLength)
    {
        if (value is null)
        {
            return "(none)";
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength) + 8);
        var taken = 0;
        foreach (var c in value)
        {
            if (taken == maxLength)
            {
                return builder.Append("…(").Append(value.Length).Append(" chars)").ToString();
            }

            if (char.IsControl(c) || c is '\u2028' or '\u2029' || char.IsSurrogate(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }

            taken++;
        }

        return builder.ToString();
    }

    /// <summary>At most <see cref="MaxItems"/> distinct values, each clipped, then how many more there were.</summary>
    public static string List(IEnumerable<string?> values)
    {
        var distinct = values.Distinct(StringComparer.Ordinal).ToList();
        var shown = string.Join(", ", distinct.Take(MaxItems).Select(v => Clip(v)));
        return distinct.Count > MaxItems ? $"{shown} and {distinct.Count - MaxItems} more" : shown;
    }
}
