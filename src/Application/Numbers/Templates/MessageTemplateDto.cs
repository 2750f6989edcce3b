namespace CleanAgent.Application.Numbers.Templates;

/// <summary>A message template: name, language, category, Meta's review status, and what each component needs.</summary>
public sealed record MessageTemplateDto(string Name, string Language, string Category, string Status, IReadOnlyList<TemplateComponentDto> Components);

/// <param name="Type"><c>HEADER</c>, <c>BODY</c>, <c>FOOTER</c> or <c>BUTTONS</c>.</param>
/// <param name="Format">For a header: <c>TEXT</c>, <c>IMAGE</c>, <c>VIDEO</c>, <c>DOCUMENT</c>, <c>LOCATION</c>.</param>
/// <param name="Text">The component's text with its placeholders.</param>
/// <param name="ParameterCount">How many values a send must give this component (<c>headerParameters</c>, <c>bodyParameters</c>).</param>
/// <param name="Parameters">The placeholders in order (<c>1</c>, <c>2</c>…, or names), or <c>link</c> for a media header.</param>
public sealed record TemplateComponentDto(string Type, string? Format, string? Text, int ParameterCount, IReadOnlyList<string> Parameters);

/// <summary>What a template send answers: the conversation (new or existing) and the outbound message, Pending.</summary>
public sealed record TemplateSentDto(Guid ConversationId, Conversations.MessageDto Message);
