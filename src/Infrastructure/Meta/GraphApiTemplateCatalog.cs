using System.Net.Http.Headers;
using System.Text.Json;
using CleanAgent.Application.Numbers.Templates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Meta;

/// <summary>
/// Lists a WhatsApp Business Account's message templates (<c>GET /{version}/{waba-id}/message_templates</c>, every page,
/// with the number's token) and keeps the list in <see cref="TemplateListCache"/>. Pages are followed by Meta's <c>after</c>
/// cursor on our own URL, never by the <c>next</c> link, so the token only ever goes to the configured Graph API.
/// </summary>
internal sealed partial class GraphApiTemplateCatalog(
    HttpClient http, TemplateListCache cache, IOptions<MetaOptions> options, ILogger<GraphApiTemplateCatalog> logger) : ITemplateCatalog
{
    private const int MaxPages = 50;

    public async Task<IReadOnlyList<TemplateInfo>> ListAsync(TemplateAccount account, bool refresh, CancellationToken cancellationToken)
    {
        if (account.IsSandbox)
        {
            return [];
        }

        if (!refresh && cache.Find(account) is { } cached)
        {
            return cached;
        }

        var templates = await FetchAsync(account, cancellationToken);
        cache.Keep(account, templates);
        return templates;
    }

    private async Task<IReadOnlyList<TemplateInfo>> FetchAsync(TemplateAccount account, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var token = string.IsNullOrWhiteSpace(account.AccessToken) ? settings.FallbackAccessToken : account.AccessToken;
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new TemplateCatalogException("the number has no access token and Meta:FallbackAccessToken is not set.");
        }

        var version = string.IsNullOrWhiteSpace(account.GraphApiVersion) ? settings.DefaultGraphApiVersion : account.GraphApiVersion.Trim();
        var root = $"{settings.GraphApiBaseUrl.TrimEnd('/')}/{Uri.EscapeDataString(version)}/{Uri.EscapeDataString(account.AccountId)}/message_templates"
            + "?fields=name,language,category,status,parameter_format,components&limit=100";
        var templates = new List<TemplateInfo>();
        string? after = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var url = after is null ? root : $"{root}&after={Uri.EscapeDataString(after)}";
            var response = await GetPageAsync(url, token, account, cancellationToken);
            templates.AddRange((response.Data ?? []).Where(t => t.Name is not null).Select(ToInfo));
            after = response.Paging?.Cursors?.After;
            if (response.Paging?.Next is null || string.IsNullOrEmpty(after))
            {
                return templates;
            }
        }

        LogTooManyPages(account.AccountId, MaxPages);
        return templates;
    }

    private async Task<GraphTemplateListResponse> GetPageAsync(string url, string token, TemplateAccount account, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        string content;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            content = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var failure = GraphApiErrorClassifier.Classify(response.StatusCode, content, null);
                var reason = failure switch
                {
                    Application.Replies.SendResult.PermanentFailure p => $"error {p.Code}: {p.Title}",
                    Application.Replies.SendResult.RetryableFailure r => $"error {r.Code}: {r.Reason} (try again later)",
                    _ => $"HTTP {(int)response.StatusCode}",
                };
                LogListFailed(account.AccountId, reason);
                throw new TemplateCatalogException(reason);
            }
        }
        catch (HttpRequestException ex)
        {
            LogListFailed(account.AccountId, ex.HttpRequestError.ToString());
            throw new TemplateCatalogException($"the Graph API could not be reached ({ex.HttpRequestError}).");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogListFailed(account.AccountId, "timeout");
            throw new TemplateCatalogException("the Graph API did not answer in time.");
        }

        try
        {
            return JsonSerializer.Deserialize<GraphTemplateListResponse>(content) ?? new GraphTemplateListResponse(null, null);
        }
        catch (JsonException)
        {
            throw new TemplateCatalogException("the Graph API answered with something that is not a template list.");
        }
    }

    private static TemplateInfo ToInfo(GraphTemplateInfo template) => new(
        template.Name!,
        template.Language ?? string.Empty,
        template.Category ?? string.Empty,
        template.Status ?? string.Empty,
        (template.Components ?? []).Select(ToComponent).ToList());

    private static TemplateComponentInfo ToComponent(GraphTemplateComponentInfo component)
    {
        var type = (component.Type ?? string.Empty).ToUpperInvariant();
        var format = component.Format?.ToUpperInvariant();
        IReadOnlyList<string> parameters = type == "HEADER" && format is "IMAGE" or "VIDEO" or "DOCUMENT"
            ? ["link"]
            : type is "HEADER" or "BODY" ? TemplateText.Placeholders(component.Text) : [];
        return new TemplateComponentInfo(type, format, component.Text, parameters);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta did not list the templates of account {AccountId}: {Reason}")]
    private partial void LogListFailed(string accountId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} has more than {Pages} pages of templates; the rest are not listed")]
    private partial void LogTooManyPages(string accountId, int pages);
}
