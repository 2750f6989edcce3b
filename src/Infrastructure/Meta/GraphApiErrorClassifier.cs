using System.Globalization;
using System.Net;
using System.Text.Json;
using CleanAgent.Application.Replies;

namespace CleanAgent.Infrastructure.Meta;

/// <summary>Turns a failed Graph API answer into our retryable or permanent failure.</summary>
internal static class GraphApiErrorClassifier
{
    /// <summary>Meta's codes for throttling and transient trouble: trying again later can succeed.</summary>
    private static readonly HashSet<int> RetryableCodes = [1, 2, 4, 17, 80007, 130429, 131000, 131016, 131056, 133004];

    public const int ExpiredTokenCode = 190;

    public static SendResult Classify(HttpStatusCode status, string body, TimeSpan? retryAfter)
    {
        var error = TryRead(body);
        var code = error?.Code;
        var codeText = code?.ToString(CultureInfo.InvariantCulture) ?? "http_" + ((int)status).ToString(CultureInfo.InvariantCulture);
        var reason = Describe(error, status);

        var retryable = (code is { } c && RetryableCodes.Contains(c))
            || status == HttpStatusCode.TooManyRequests
            || (int)status >= 500;

        return retryable
            ? new SendResult.RetryableFailure(codeText, reason, retryAfter)
            : new SendResult.PermanentFailure(codeText, reason);
    }

    public static int? ReadCode(string body) => TryRead(body)?.Code;

    public static int? ReadSubcode(string body) => TryRead(body)?.Subcode;

    private static GraphError? TryRead(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<GraphErrorEnvelope>(body)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(GraphError? error, HttpStatusCode status)
    {
        if (error is null)
        {
            return $"Graph API answered HTTP {(int)status} without an error body.";
        }

        var message = string.IsNullOrWhiteSpace(error.Message) ? $"Graph API error (HTTP {(int)status})" : error.Message.Trim();
        if (error.Subcode is { } subcode)
        {
            message += $" (subcode {subcode.ToString(CultureInfo.InvariantCulture)})";
        }

        return string.IsNullOrWhiteSpace(error.Data?.Details) ? message : $"{message}: {error.Data.Details.Trim()}";
    }
}
