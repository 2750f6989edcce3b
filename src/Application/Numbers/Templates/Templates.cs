using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Numbers;

namespace CleanAgent.Application.Numbers.Templates;

internal static class Templates
{
    /// <summary>
    /// The number's templates; a number with no account id, or Meta refusing, is a 409 that says what to fix. A sandbox
    /// number has no account at Meta, and so no templates.
    /// </summary>
    public static async Task<IReadOnlyList<TemplateInfo>> LoadAsync(
        this ITemplateCatalog catalog, WhatsAppNumber number, ISecretProtector protector, bool refresh, CancellationToken cancellationToken)
    {
        if (number.IsSandbox)
        {
            return [];
        }

        var account = number.AccountId
            ?? throw new ConflictException("The number has no WhatsApp Business Account ID: set wabaId (Meta shows it in WhatsApp Manager → Account tools, or under API Setup).");
        var token = number.ProtectedAccessToken is null ? null : protector.Unprotect(number.ProtectedAccessToken);
        try
        {
            return await catalog.ListAsync(new TemplateAccount(number.Id, account, number.GraphApiVersion, token, number.IsSandbox), refresh, cancellationToken);
        }
        catch (TemplateCatalogException ex)
        {
            throw new ConflictException($"Meta did not list the templates of account {account}: {ex.Message}");
        }
    }

    public static MessageTemplateDto ToDto(this TemplateInfo template) => new(
        template.Name, template.Language, template.Category, template.Status,
        template.Components.Select(c => new TemplateComponentDto(c.Type, c.Format, c.Text, c.Parameters.Count, c.Parameters)).ToList());

    /// <summary>The body's text with the values in place of its placeholders: what the thread shows of a template.</summary>
    public static string Preview(TemplateInfo template, IReadOnlyList<string> headerValues, IReadOnlyList<string> bodyValues)
    {
        var header = template.Components.FirstOrDefault(c => c.Type == "HEADER");
        var body = template.Components.FirstOrDefault(c => c.Type == "BODY");
        var parts = new List<string>();
        if (header is { IsMediaHeader: false, Text: { } headerText })
        {
            parts.Add(Fill(headerText, header.Parameters, headerValues));
        }

        if (body?.Text is { } bodyText)
        {
            parts.Add(Fill(bodyText, body.Parameters, bodyValues));
        }

        var preview = parts.Count == 0 ? $"[template {template.Name}]" : string.Join("\n", parts);
        return preview.Length > Domain.Conversations.Message.MaxTextLength ? preview[..Domain.Conversations.Message.MaxTextLength] : preview;
    }

    private static string Fill(string text, IReadOnlyList<string> names, IReadOnlyList<string> values)
    {
        for (var i = 0; i < names.Count && i < values.Count; i++)
        {
            text = text.Replace("{{" + names[i] + "}}", values[i], StringComparison.Ordinal);
        }

        return text;
    }
}
