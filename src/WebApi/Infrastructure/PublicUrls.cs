using CleanAgent.Application.Common.Interfaces;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>The webhook URL from <c>PublicBaseUrl</c>, else from the request's own scheme and host.</summary>
internal sealed class PublicUrls(IConfiguration configuration, IHttpContextAccessor accessor) : IPublicUrls
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
            return request is null ? WebhookPath : $"{request.Scheme}://{request.Host}{request.PathBase}{WebhookPath}";
        }
    }
}
