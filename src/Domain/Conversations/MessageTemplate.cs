namespace CleanAgent.Domain.Conversations;

/// <summary>
/// An approved WhatsApp message template as it is sent: Meta's template name and language, and the values of its
/// placeholders. <paramref name="HeaderFormat"/> is the header's kind (<c>TEXT</c>, <c>IMAGE</c>, <c>VIDEO</c>,
/// <c>DOCUMENT</c>) when the template has a header with a parameter; a media header's one parameter is a link or media id.
/// </summary>
public sealed record MessageTemplate(
    string Name,
    string LanguageCode,
    IReadOnlyList<string> BodyParameters,
    IReadOnlyList<string> HeaderParameters,
    string? HeaderFormat);
