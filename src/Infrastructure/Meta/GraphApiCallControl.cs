using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using CleanAgent.Application.Calls;
using CleanAgent.Application.Replies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Meta;

/// <summary>
/// <c>POST /{version}/{phone-number-id}/calls</c> of the Business Calling API, with the number's own token. No retry: a
/// call rings for seconds, and the live call decides what a refused action means.
/// </summary>
internal sealed partial class GraphApiCallControl(HttpClient http, IOptions<MetaOptions> options, ILogger<GraphApiCallControl> logger)
    : IWhatsAppCallControl
{
    private readonly MetaOptions _options = options.Value;

    public Task PreAcceptAsync(SenderNumber number, string callId, string sdpAnswer, CancellationToken cancellationToken) =>
        PostAsync(number, new GraphCallAction(callId, "pre_accept", new GraphCallSession("answer", sdpAnswer)), cancellationToken);

    public Task AcceptAsync(SenderNumber number, string callId, string sdpAnswer, CancellationToken cancellationToken) =>
        PostAsync(number, new GraphCallAction(callId, "accept", new GraphCallSession("answer", sdpAnswer)), cancellationToken);

    public Task RejectAsync(SenderNumber number, string callId, CancellationToken cancellationToken) =>
        PostAsync(number, new GraphCallAction(callId, "reject", null), cancellationToken);

    public Task TerminateAsync(SenderNumber number, string callId, CancellationToken cancellationToken) =>
        PostAsync(number, new GraphCallAction(callId, "terminate", null), cancellationToken);

    private async Task PostAsync(SenderNumber number, GraphCallAction body, CancellationToken cancellationToken)
    {
        var token = string.IsNullOrWhiteSpace(number.AccessToken) ? _options.FallbackAccessToken : number.AccessToken;
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new CallControlException("The number has no access token and Meta:FallbackAccessToken is not set.");
        }

        var version = string.IsNullOrWhiteSpace(number.GraphApiVersion) ? _options.DefaultGraphApiVersion : number.GraphApiVersion.Trim();
        var url = $"{_options.GraphApiBaseUrl.TrimEnd('/')}/{Uri.EscapeDataString(version)}/{Uri.EscapeDataString(number.PhoneNumberId)}/calls";
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var content = await response.Content.ReadAsStringAsync(cancellationToken);
                var code = GraphApiErrorClassifier.ReadCode(content)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
                LogRefused(body.Action, number.PhoneNumberId, (int)response.StatusCode, code);
                throw new CallControlException($"Meta refused the call action {body.Action} (HTTP {(int)response.StatusCode}, code {code}).");
            }
        }
        catch (HttpRequestException exception)
        {
            throw new CallControlException($"Could not reach the Graph API ({exception.HttpRequestError}).", exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CallControlException("The Graph API did not answer in time.", exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph API refused call action {Action} for phone_number_id {PhoneNumberId}: HTTP {Status}, code {Code}")]
    private partial void LogRefused(string action, string phoneNumberId, int status, string code);

    private sealed record GraphCallAction(
        [property: JsonPropertyName("call_id")] string CallId,
        [property: JsonPropertyName("action")] string Action,
        [property: JsonPropertyName("session"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GraphCallSession? Session)
    {
        [JsonPropertyName("messaging_product")]
        public string MessagingProduct => "whatsapp";
    }

    private sealed record GraphCallSession(
        [property: JsonPropertyName("sdp_type")] string SdpType,
        [property: JsonPropertyName("sdp")] string Sdp);
}
