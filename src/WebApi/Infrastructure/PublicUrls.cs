using CleanAgent.Application.Common.Interfaces;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// The webhook URL from <c>PublicBaseUrl</c>. Without it, from the request's own scheme and host only where the host is
/// trusted: in Development, or when <c>AllowedHosts</c> names the hosts (host filtering then refuses any other). With
/// <c>AllowedHosts: *</c> any client could choose the <c>Host</c> header, so only the path is given.
/// </summary>
internal sealed class PublicUrls(IConfiguration configuration, IHostEnvironment environment, IHttpContextAccessor accessor) : IPublicUrls
{
    public const string WebhookPath = "/api/meta-webhook";

    public string WebhookUrl
    {
        get
        {
            var configured = configuration["PublicBaseUrl"];
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured.TrimEnd('/') + WebhookPath;
            }

            var request = accessor.HttpContext?.Request;
            return request is null || !HostIsTrusted() ? WebhookPath : $"{request.Scheme}://{request.Host}{request.PathBase}{WebhookPath}";
        }
    }

    private bool HostIsTrusted()
    {
        if (environment.IsDevelopment())
        {
            return true;
        }

        var allowed = configuration["AllowedHosts"];
        return !string.IsNullOrWhiteSpace(allowed) && allowed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(h => h != "*");
    }
}
