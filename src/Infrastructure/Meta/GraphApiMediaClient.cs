using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CleanAgent.Application.Media;
using CleanAgent.Application.Replies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Meta;

/// <summary>
/// Meta's media endpoints with the number's own token and API version. Failures are classified like sends
/// (<see cref="GraphApiErrorClassifier"/>) and logged here at Debug only; the prepare step logs what it decides.
/// </summary>
internal sealed partial class GraphApiMediaClient(
    HttpClient http,
    IOptions<MetaOptions> options,
    ILogger<GraphApiMediaClient> logger) : IWhatsAppMediaClient
{
    private readonly MetaOptions _options = options.Value;

    public async Task<MediaLookup> LookUpAsync(SenderNumber number, string mediaId, CancellationToken cancellationToken)
    {
        if (Token(number) is not { } token)
        {
            return new MediaLookup.Failed(NoToken);
        }

        var version = string.IsNullOrWhiteSpace(number.GraphApiVersion) ? _options.DefaultGraphApiVersion : number.GraphApiVersion.Trim();
        var url = $"{_options.GraphApiBaseUrl.TrimEnd('/')}/{Uri.EscapeDataString(version)}/{Uri.EscapeDataString(mediaId)}"
            + $"?phone_number_id={Uri.EscapeDataString(number.PhoneNumberId)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var content = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new MediaLookup.Failed(Classify(number, response, content));
            }

            var info = TryRead(content);
            return string.IsNullOrWhiteSpace(info?.Url) || !Uri.TryCreate(info.Url, UriKind.Absolute, out _)
                ? new MediaLookup.Failed(new MediaFailure("no_url", "The media endpoint answered without a url.", Retryable: false))
                : new MediaLookup.Found(info.Url, info.MimeType, info.Sha256, info.FileSize);
        }
        catch (Exception ex) when (Transient(ex, cancellationToken) is { } failure)
        {
            LogFailed(number.PhoneNumberId, failure.Code, failure.Reason);
            return new MediaLookup.Failed(failure);
        }
    }

    public async Task<MediaFetch> FetchAsync(SenderNumber number, string url, long maxBytes, CancellationToken cancellationToken)
    {
        if (Token(number) is not { } token)
        {
            return new MediaFetch.Failed(NoToken);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            {
                LogFailed(number.PhoneNumberId, "expired_url", $"HTTP {(int)response.StatusCode}");
                return new MediaFetch.Expired($"HTTP {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                return new MediaFetch.Failed(Classify(number, response, await response.Content.ReadAsStringAsync(cancellationToken)));
            }

            if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
            {
                return new MediaFetch.TooLarge(length);
            }

            var bytes = await ReadAtMostAsync(response.Content, maxBytes, cancellationToken);
            return bytes is null
                ? new MediaFetch.TooLarge(null)
                : new MediaFetch.Fetched(bytes, response.Content.Headers.ContentType?.ToString());
        }
        catch (Exception ex) when (Transient(ex, cancellationToken) is { } failure)
        {
            LogFailed(number.PhoneNumberId, failure.Code, failure.Reason);
            return new MediaFetch.Failed(failure);
        }
    }

    /// <summary>Reads the body, stopping as soon as it passes <paramref name="maxBytes"/> (then null).</summary>
    private static async Task<byte[]?> ReadAtMostAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private string? Token(SenderNumber number)
    {
        var token = string.IsNullOrWhiteSpace(number.AccessToken) ? _options.FallbackAccessToken : number.AccessToken;
        return string.IsNullOrWhiteSpace(token) ? null : token;
    }

    private static readonly MediaFailure NoToken =
        new("no_access_token", "The number has no access token and Meta:FallbackAccessToken is not set.", Retryable: false);

    private MediaFailure Classify(SenderNumber number, HttpResponseMessage response, string content)
    {
        var result = GraphApiErrorClassifier.Classify(response.StatusCode, content, response.Headers.RetryAfter?.Delta);
        var failure = result switch
        {
            SendResult.RetryableFailure retry => new MediaFailure(retry.Code ?? "none", retry.Reason, Retryable: true, retry.RetryAfter),
            SendResult.PermanentFailure permanent => new MediaFailure(permanent.Code, permanent.Title, Retryable: false),
            _ => new MediaFailure("unknown", "Unexpected answer.", Retryable: true),
        };
        LogFailed(number.PhoneNumberId, failure.Code, failure.Reason);
        return failure;
    }

    private static MediaFailure? Transient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when !cancellationToken.IsCancellationRequested =>
            new MediaFailure("timeout", "The Graph API did not answer in time.", Retryable: true),
        HttpRequestException http => new MediaFailure("network", $"Could not reach the Graph API ({http.HttpRequestError}).", Retryable: true),
        IOException => new MediaFailure("network", "The download was cut off.", Retryable: true),
        _ => null,
    };

    private static GraphMediaInfo? TryRead(string content)
    {
        try
        {
            return JsonSerializer.Deserialize<GraphMediaInfo>(content);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph API media call for {PhoneNumberId} failed: {Code}: {Reason}")]
    private partial void LogFailed(string phoneNumberId, string code, string reason);
}
