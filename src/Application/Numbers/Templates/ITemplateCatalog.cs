using System.Text.RegularExpressions;

namespace CleanAgent.Application.Numbers.Templates;

/// <summary>The message templates of a WhatsApp Business Account, as Meta lists them (cached; refreshed on demand).</summary>
public interface ITemplateCatalog
{
    /// <summary>
    /// All templates of the number's account, every page. <paramref name="refresh"/> asks Meta again instead of using the
    /// cached list. Throws <see cref="TemplateCatalogException"/> when Meta refuses (bad token, unknown account).
    /// </summary>
    Task<IReadOnlyList<TemplateInfo>> ListAsync(TemplateAccount account, bool refresh, CancellationToken cancellationToken);
}

/// <summary>The cached template lists, which Meta's template webhooks make stale.</summary>
public interface ITemplateListCache
{
    /// <summary>The webhook fields that change a template's status, quality or category.</summary>
    static readonly IReadOnlySet<string> TemplateFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "message_template_status_update", "message_template_quality_update", "message_template_components_update", "template_category_update",
    };

    /// <summary>The number's next listing asks Meta again.</summary>
    void Forget(Guid numberId);
}

/// <summary>What listing needs of a number; <see cref="AccessToken"/> in clear (null: the configured fallback token).</summary>
public sealed record TemplateAccount(Guid NumberId, string AccountId, string GraphApiVersion, string? AccessToken, bool IsSandbox)
{
    public override string ToString() => $"TemplateAccount {{ NumberId = {NumberId}, AccountId = {AccountId} }}";
}

/// <summary>One template in one language, in our words.</summary>
public sealed record TemplateInfo(string Name, string Language, string Category, string Status, IReadOnlyList<TemplateComponentInfo> Components)
{
    public bool IsApproved => string.Equals(Status, "APPROVED", StringComparison.OrdinalIgnoreCase);

    public bool IsMarketing => string.Equals(Category, "MARKETING", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A template component (<c>HEADER</c>, <c>BODY</c>, <c>FOOTER</c>, <c>BUTTONS</c>) and the parameters a send must give it:
/// the placeholders of its text (<c>{{1}}</c>, or <c>{{name}}</c> for named templates), or one media link/id for a media header.
/// </summary>
public sealed record TemplateComponentInfo(string Type, string? Format, string? Text, IReadOnlyList<string> Parameters)
{
    public bool IsMediaHeader => Format is "IMAGE" or "VIDEO" or "DOCUMENT";
}

public sealed class TemplateCatalogException(string message) : Exception(message);

/// <summary>How a template's text names its values.</summary>
public static partial class TemplateText
{
    /// <summary>The placeholders of a template text in order of first appearance: <c>{{1}}</c> → "1", <c>{{name}}</c> → "name".</summary>
    public static IReadOnlyList<string> Placeholders(string? text) =>
        text is null ? [] : Placeholder().Matches(text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
