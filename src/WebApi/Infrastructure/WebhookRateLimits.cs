using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// What ASP.NET Core's rate limiter does for <c>POST /api/meta-webhook</c>: a concurrency limit on bodies in flight
/// (503 past it). Volume alone is never limited: behind a proxy, all of Meta is one client.
/// </summary>
internal static class WebhookRateLimits
{
    private const string WebhookPath = "/api/meta-webhook";

    public static IServiceCollection AddWebhookRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookIntakeLimits>(configuration.GetSection("Meta"));
        services.AddRateLimiter(o =>
        {
            var limits = configuration.GetSection("Meta").Get<WebhookIntakeLimits>() ?? new WebhookIntakeLimits();
            var permits = Math.Max(1, limits.WebhookMaxConcurrentBodies);
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => IsWebhookDelivery(http)
                ? RateLimitPartition.GetConcurrencyLimiter(WebhookPath, _ => new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter(string.Empty));
            o.OnRejected = (context, cancellationToken) => RejectAsync(context.HttpContext, StatusCodes.Status503ServiceUnavailable, 1,
                "Too many webhook bodies are being received at once; try again shortly.", cancellationToken);
        });
        return services;
    }

    private static bool IsWebhookDelivery(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals(WebhookPath, StringComparison.OrdinalIgnoreCase);

    public static async ValueTask RejectAsync(HttpContext http, int status, int retryAfterSeconds, string detail, CancellationToken cancellationToken)
    {
        http.Response.StatusCode = status;
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = "Busy", Detail = detail },
        });
    }
}
