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

/// <summary>
/// A message that sends an uploaded file by its media id: <c>{"type":"audio","audio":{"id":…,"voice":true}}</c>, or image,
/// video, document with their caption (and a document's file name). <c>voice</c> makes audio a voice note (play button,
/// transcript, "played" status).
/// </summary>
internal static class GraphMediaMessage
{
    public static System.Text.Json.Nodes.JsonObject Create(string to, Application.Replies.OutboundMedia media, string? replyToWamid)
    {
        var file = new System.Text.Json.Nodes.JsonObject { ["id"] = media.MediaId };
        if (media.Voice)
        {
            file["voice"] = true;
        }

        if (media.Caption is { Length: > 0 } caption && media.Type is "image" or "video" or "document")
        {
            file["caption"] = caption;
        }

        if (media.FileName is { Length: > 0 } fileName && media.Type == "document")
        {
            file["filename"] = fileName;
        }

        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["recipient_type"] = "individual",
            ["to"] = to,
            ["type"] = media.Type,
            [media.Type] = file,
        };
        if (!string.IsNullOrWhiteSpace(replyToWamid))
        {
            body["context"] = new System.Text.Json.Nodes.JsonObject { ["message_id"] = replyToWamid };
        }

        return body;
    }
}

internal sealed record GraphMediaUploadResponse([property: JsonPropertyName("id")] string? Id);

internal sealed record GraphTemplateMessageRequest(
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("template")] GraphTemplate Template)
{
    [JsonPropertyName("messaging_product")]
    public string MessagingProduct => "whatsapp";

    [JsonPropertyName("recipient_type")]
    public string RecipientType => "individual";

    [JsonPropertyName("type")]
    public string Type => "template";

    /// <summary>Header values go in a <c>header</c> component (text, or a media link or id), body values in <c>body</c>, in order.</summary>
    public static GraphTemplateMessageRequest From(string to, Domain.Conversations.MessageTemplate template)
    {
        var components = new List<GraphTemplateComponent>();
        if (template.HeaderParameters.Count > 0)
        {
            components.Add(new GraphTemplateComponent("header", template.HeaderParameters.Select(v => HeaderParameter(template.HeaderFormat, v)).ToList()));
        }

        if (template.BodyParameters.Count > 0)
        {
            components.Add(new GraphTemplateComponent("body", template.BodyParameters.Select(v => new GraphTemplateParameter("text", Text: v)).ToList()));
        }

        return new GraphTemplateMessageRequest(to, new GraphTemplate(template.Name, new GraphTemplateLanguage(template.LanguageCode), components.Count == 0 ? null : components));
    }

    private static GraphTemplateParameter HeaderParameter(string? format, string value)
    {
        var media = IsLink(value) ? new GraphMediaReference(Link: value) : new GraphMediaReference(Id: value);
        return format?.ToUpperInvariant() switch
        {
            "IMAGE" => new GraphTemplateParameter("image", Image: media),
            "VIDEO" => new GraphTemplateParameter("video", Video: media),
            "DOCUMENT" => new GraphTemplateParameter("document", Document: media),
            _ => new GraphTemplateParameter("text", Text: value),
        };
    }

    private static bool IsLink(string value) => value.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
}

internal sealed record GraphTemplate(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("language")] GraphTemplateLanguage Language,
    [property: JsonPropertyName("components"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<GraphTemplateComponent>? Components);

internal sealed record GraphTemplateLanguage([property: JsonPropertyName("code")] string Code);

internal sealed record GraphTemplateComponent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("parameters")] IReadOnlyList<GraphTemplateParameter> Parameters);

internal sealed record GraphTemplateParameter(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text = null,
    [property: JsonPropertyName("image"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GraphMediaReference? Image = null,
    [property: JsonPropertyName("video"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GraphMediaReference? Video = null,
    [property: JsonPropertyName("document"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GraphMediaReference? Document = null);

internal sealed record GraphMediaReference(
    [property: JsonPropertyName("link"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Link = null,
    [property: JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id = null);

internal sealed record GraphTemplateListResponse(
    [property: JsonPropertyName("data")] IReadOnlyList<GraphTemplateInfo>? Data,
    [property: JsonPropertyName("paging")] GraphPaging? Paging);

internal sealed record GraphTemplateInfo(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("language")] string? Language,
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("parameter_format")] string? ParameterFormat,
    [property: JsonPropertyName("components")] IReadOnlyList<GraphTemplateComponentInfo>? Components);

internal sealed record GraphTemplateComponentInfo(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("format")] string? Format,
    [property: JsonPropertyName("text")] string? Text);

internal sealed record GraphPaging(
    [property: JsonPropertyName("cursors")] GraphCursors? Cursors,
    [property: JsonPropertyName("next")] string? Next);

internal sealed record GraphCursors([property: JsonPropertyName("after")] string? After);

internal sealed record GraphText(
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("preview_url")] bool PreviewUrl);

internal sealed record GraphContext([property: JsonPropertyName("message_id")] string MessageId);

internal sealed record GraphMarkReadRequest(
    [property: JsonPropertyName("message_id")] string MessageId,
    [property: JsonPropertyName("typing_indicator"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GraphTypingIndicator? TypingIndicator)
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
