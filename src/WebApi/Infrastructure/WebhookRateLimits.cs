using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// What bounds unauthenticated callers of <c>POST /api/meta-webhook</c>: a concurrency limit on bodies being read
/// (<see cref="WebhookBodyGate"/>, 503 past it). Volume alone is never limited: behind a proxy, all of Meta is one client.
/// </summary>
internal static class WebhookRateLimits
{
    public static IServiceCollection AddWebhookRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookIntakeLimits>(configuration.GetSection("Meta"));
        services.AddSingleton<WebhookBodyGate>();
        services.AddRateLimiter(_ => { });
        return services;
    }
}

/// <summary>
/// At most <see cref="WebhookIntakeLimits.WebhookMaxConcurrentBodies"/> webhook bodies are being <em>read</em> at once.
/// The permit is given back as soon as the body is in memory: storing it is bounded by the database, not here, so a
/// busy database never turns Meta's deliveries into 503s.
/// </summary>
public sealed class WebhookBodyGate(IOptions<WebhookIntakeLimits> limits) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, limits.Value.WebhookMaxConcurrentBodies),
        QueueLimit = 0,
    });

    /// <summary>A permit to read one body, or a 503 (with <c>Retry-After</c>) when every permit is taken.</summary>
    public RateLimitLease Enter()
    {
        var lease = _limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        throw new BadHttpRequestException(
            "Too many webhook bodies are being received at once; try again shortly.", StatusCodes.Status503ServiceUnavailable);
    }

    public void Dispose() => _limiter.Dispose();
}
