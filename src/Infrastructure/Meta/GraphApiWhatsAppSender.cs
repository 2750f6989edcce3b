using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CleanAgent.Application.Replies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Meta;

/// <summary>
/// Sends through Meta's Graph API with the number's own token and API version. No HTTP-level
/// retry: a blind retry of a POST can send the customer the same message twice, so retries are
/// the delivery step's decision, made from the classified result; pacing is the delivery step's too. Failures are
/// logged here at Debug only, with Meta's details: the step that handles one logs it once, at the level it deserves.
/// </summary>
internal sealed partial class GraphApiWhatsAppSender(
    HttpClient http,
    IOptions<MetaOptions> options,
    TimeProvider time,
    ILogger<GraphApiWhatsAppSender> logger) : IWhatsAppSender
{
    private readonly MetaOptions _options = options.Value;

    /// <summary>A send must answer within <c>Meta:TimeoutSeconds</c>; an upload of up to 100 MB gets at least two minutes (the client's own limit).</summary>
    public TimeSpan UploadTimeout => http.Timeout;

    private TimeSpan SendTimeout => TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds));

    public async Task<SendResult> SendTextAsync(SenderNumber number, string to, string text, string? replyToWamid, CancellationToken cancellationToken)
    {
        var body = new GraphTextMessageRequest(
            to,
            new GraphText(text, PreviewUrl: false),
            string.IsNullOrWhiteSpace(replyToWamid) ? null : new GraphContext(replyToWamid));
        return await PostAsync(number, body, content => ReadSent(number, content), cancellationToken);
    }

    public async Task<SendResult> SendTemplateAsync(SenderNumber number, string to, Domain.Conversations.MessageTemplate template, CancellationToken cancellationToken) =>
        await PostAsync(number, GraphTemplateMessageRequest.From(to, template), content => ReadSent(number, content), cancellationToken);

    public async Task<MediaUploadResult> UploadMediaAsync(
        SenderNumber number, ReadOnlyMemory<byte> file, string mimeType, string fileName, CancellationToken cancellationToken)
    {
        string? mediaId = null;
        var upload = await PostAsync(number, "media", () => UploadContent(file, mimeType, fileName), content => ReadUploaded(number, content, out mediaId), cancellationToken);
        return upload is SendResult.Sent && mediaId is not null ? new MediaUploadResult.Uploaded(mediaId) : new MediaUploadResult.NotUploaded(upload);
    }

    public async Task<SendResult> SendMediaAsync(SenderNumber number, string to, OutboundMedia media, string? replyToWamid, CancellationToken cancellationToken) =>
        await PostAsync(number, GraphMediaMessage.Create(to, media, replyToWamid), content => ReadSent(number, content), cancellationToken);

    public Task MarkReadAsync(SenderNumber number, string wamid, CancellationToken cancellationToken) =>
        MarkAsync(number, new GraphMarkReadRequest(wamid, new GraphTypingIndicator("text")), wamid, cancellationToken);

    public Task MarkSeenAsync(SenderNumber number, string wamid, CancellationToken cancellationToken) =>
        MarkAsync(number, new GraphMarkReadRequest(wamid, null), wamid, cancellationToken);

    private async Task MarkAsync(SenderNumber number, GraphMarkReadRequest request, string wamid, CancellationToken cancellationToken)
    {
        var result = await PostAsync(number, request, _ => new SendResult.Sent(wamid), cancellationToken);
        switch (result)
        {
            case SendResult.RetryableFailure failure:
                LogMarkReadFailed(number.PhoneNumberId, failure.Code ?? "none", failure.Reason);
                break;
            case SendResult.PermanentFailure failure:
                LogMarkReadFailed(number.PhoneNumberId, failure.Code, failure.Title);
                break;
        }
    }

    private Task<SendResult> PostAsync<TBody>(
        SenderNumber number, TBody body, Func<string, SendResult> onSuccess, CancellationToken cancellationToken) =>
        PostAsync(number, "messages", () => JsonContent.Create(body), onSuccess, cancellationToken);

    /// <summary>The multipart form of Meta's media upload: the file, its type, and the product.</summary>
    private static MultipartFormDataContent UploadContent(ReadOnlyMemory<byte> bytes, string mimeType, string fileName)
    {
        var file = new ReadOnlyMemoryContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(mimeType);
        return new MultipartFormDataContent
        {
            { new StringContent("whatsapp"), "messaging_product" },
            { new StringContent(mimeType), "type" },
            { file, "file", fileName },
        };
    }

    private SendResult ReadUploaded(SenderNumber number, string content, out string? mediaId)
    {
        try
        {
            mediaId = JsonSerializer.Deserialize<GraphMediaUploadResponse>(content)?.Id;
        }
        catch (JsonException)
        {
            mediaId = null;
        }

        if (string.IsNullOrWhiteSpace(mediaId))
        {
            LogNoMediaId(number.PhoneNumberId);
            return new SendResult.RetryableFailure("no_media_id", "The Graph API accepted the upload but returned no media id.", null);
        }

        return new SendResult.Sent(mediaId);
    }

    private async Task<SendResult> PostAsync(
        SenderNumber number, string edge, Func<HttpContent> body, Func<string, SendResult> onSuccess, CancellationToken cancellationToken)
    {
        var token = string.IsNullOrWhiteSpace(number.AccessToken) ? _options.FallbackAccessToken : number.AccessToken;
        if (string.IsNullOrWhiteSpace(token))
        {
            LogNoToken(number.PhoneNumberId);
            return new SendResult.PermanentFailure("no_access_token", "The number has no access token and Meta:FallbackAccessToken is not set.");
        }

        var version = string.IsNullOrWhiteSpace(number.GraphApiVersion) ? _options.DefaultGraphApiVersion : number.GraphApiVersion.Trim();
        var url = $"{_options.GraphApiBaseUrl.TrimEnd('/')}/{Uri.EscapeDataString(version)}/{Uri.EscapeDataString(number.PhoneNumberId)}/{edge}";
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body() };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(edge == "media" ? UploadTimeout : SendTimeout);
        try
        {
            using var response = await http.SendAsync(request, deadline.Token);
            var content = await response.Content.ReadAsStringAsync(deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                return onSuccess(content);
            }

            var result = GraphApiErrorClassifier.Classify(response.StatusCode, content, ReadRetryAfter(response));
            LogFailure(number, response.StatusCode, result, content);
            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogTimeout(number.PhoneNumberId);
            return new SendResult.RetryableFailure("timeout", "The Graph API did not answer in time.", null);
        }
        catch (HttpRequestException exception)
        {
            LogNetworkError(number.PhoneNumberId, exception.HttpRequestError.ToString());
            return new SendResult.RetryableFailure("network", $"Could not reach the Graph API ({exception.HttpRequestError}).", null);
        }
    }

    private SendResult ReadSent(SenderNumber number, string content)
    {
        var id = TryReadWamid(content);
        if (id is not null)
        {
            return new SendResult.Sent(id);
        }

        // Meta said yes but gave no wamid: sending again could duplicate the message, so don't.
        LogNoWamid(number.PhoneNumberId);
        return new SendResult.PermanentFailure("no_wamid", "The Graph API accepted the request but returned no message id.");
    }

    private static string? TryReadWamid(string content)
    {
        try
        {
            var id = JsonSerializer.Deserialize<GraphSendResponse>(content)?.Messages?.FirstOrDefault()?.Id;
            return string.IsNullOrWhiteSpace(id) ? null : id;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private TimeSpan? ReadRetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private void LogFailure(SenderNumber number, HttpStatusCode status, SendResult result, string content)
    {
        var subcode = GraphApiErrorClassifier.ReadSubcode(content);
        if (GraphApiErrorClassifier.ReadCode(content) == GraphApiErrorClassifier.ExpiredTokenCode)
        {
            LogTokenRejected(number.PhoneNumberId, subcode);
        }

        switch (result)
        {
            case SendResult.RetryableFailure retry:
                LogRetryable(number.PhoneNumberId, (int)status, retry.Code ?? "none", subcode, retry.RetryAfter);
                break;
            case SendResult.PermanentFailure permanent:
                LogPermanent(number.PhoneNumberId, (int)status, permanent.Code, subcode, permanent.Title);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Meta rejected the access token used for phone number id {PhoneNumberId} (code 190, subcode {Subcode})")]
    private partial void LogTokenRejected(string phoneNumberId, int? subcode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph API send from {PhoneNumberId} failed, will retry: HTTP {Status}, code {Code}, subcode {Subcode}, retry after {RetryAfter}")]
    private partial void LogRetryable(string phoneNumberId, int status, string code, int? subcode, TimeSpan? retryAfter);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph API send from {PhoneNumberId} failed permanently: HTTP {Status}, code {Code}, subcode {Subcode}: {Title}")]
    private partial void LogPermanent(string phoneNumberId, int status, string code, int? subcode, string title);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph API call from {PhoneNumberId} timed out")]
    private partial void LogTimeout(string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph API call from {PhoneNumberId} failed on the network: {Error}")]
    private partial void LogNetworkError(string phoneNumberId, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Phone number id {PhoneNumberId} has no access token and Meta:FallbackAccessToken is not set")]
    private partial void LogNoToken(string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph API accepted a send from {PhoneNumberId} but returned no message id")]
    private partial void LogNoWamid(string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph API accepted a media upload from {PhoneNumberId} but returned no media id")]
    private partial void LogNoMediaId(string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not mark a message read for {PhoneNumberId} (ignored): code {Code}: {Reason}")]
    private partial void LogMarkReadFailed(string phoneNumberId, string code, string reason);
}
