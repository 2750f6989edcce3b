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

    /// <summary>Meta's window and template errors in words an operator can act on; Meta's own text follows.</summary>
    private static readonly Dictionary<int, string> Explained = new()
    {
        [131047] = "The 24-hour customer service window is closed: only an approved template can be sent now.",
        [131049] = "Meta did not deliver this marketing template, to keep the customer's experience healthy (per-user marketing limit); try another time.",
        [131050] = "The customer stopped marketing messages from this business.",
        [132000] = "The number of values does not match the template's placeholders.",
        [132001] = "The template does not exist in this language, or is not approved yet.",
        [132005] = "The template's text is too long once its values are filled in.",
        [132007] = "The template's content breaks WhatsApp's policies.",
        [132012] = "A template value has the wrong format (e.g. a header image that is not a link or media id).",
        [132015] = "The template is paused because of low quality; edit it or wait.",
        [132016] = "The template is disabled because of low quality; create a new one.",
        [132018] = "A template value has a problem (new lines, tabs or more than four spaces in a row are not allowed).",
    };

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
        if (error.Code is { } code && Explained.TryGetValue(code, out var explained))
        {
            message = $"{explained} (Meta: {message})";
        }

        if (error.Subcode is { } subcode)
        {
            message += $" (subcode {subcode.ToString(CultureInfo.InvariantCulture)})";
        }

        return string.IsNullOrWhiteSpace(error.Data?.Details) ? message : $"{message}: {error.Data.Details.Trim()}";
    }
}
