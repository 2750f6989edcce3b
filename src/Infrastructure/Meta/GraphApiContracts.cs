using System.Text.Json.Serialization;

namespace CleanAgent.Infrastructure.Meta;

// Graph API JSON shapes; they never leave Infrastructure/Meta.
internal sealed record GraphTextMessageRequest(
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("text")] GraphText Text,
    [property: JsonPropertyName("context"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GraphContext? Context)
{
    [JsonPropertyName("messaging_product")]
    public string MessagingProduct => "whatsapp";

    [JsonPropertyName("recipient_type")]
    public string RecipientType => "individual";

    [JsonPropertyName("type")]
    public string Type => "text";
}

internal sealed record GraphText(
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("preview_url")] bool PreviewUrl);

internal sealed record GraphContext([property: JsonPropertyName("message_id")] string MessageId);

internal sealed record GraphMarkReadRequest(
    [property: JsonPropertyName("message_id")] string MessageId,
    [property: JsonPropertyName("typing_indicator")] GraphTypingIndicator TypingIndicator)
{
    [JsonPropertyName("messaging_product")]
    public string MessagingProduct => "whatsapp";

    [JsonPropertyName("status")]
    public string Status => "read";
}

internal sealed record GraphTypingIndicator([property: JsonPropertyName("type")] string Type);

internal sealed record GraphSendResponse([property: JsonPropertyName("messages")] IReadOnlyList<GraphSentMessage>? Messages);

internal sealed record GraphSentMessage([property: JsonPropertyName("id")] string? Id);

internal sealed record GraphErrorEnvelope([property: JsonPropertyName("error")] GraphError? Error);

internal sealed record GraphError(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("code")] int? Code,
    [property: JsonPropertyName("error_subcode")] int? Subcode,
    [property: JsonPropertyName("error_data")] GraphErrorData? Data,
    [property: JsonPropertyName("fbtrace_id")] string? TraceId);

internal sealed record GraphErrorData([property: JsonPropertyName("details")] string? Details);

/// <summary>The media endpoint's answer: <c>GET /{version}/{media-id}</c>.</summary>
internal sealed record GraphMediaInfo(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("mime_type")] string? MimeType,
    [property: JsonPropertyName("sha256")] string? Sha256,
    [property: JsonPropertyName("file_size"), JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] long? FileSize,
    [property: JsonPropertyName("id")] string? Id);
