using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>The <c>FailingClients</c> settings: how many failed requests a client may make in a window.</summary>
public sealed class FailingClientOptions
{
    public const string SectionName = "FailingClients";

    /// <summary>Failed requests (400, 401, 413) one client may make per window before it gets 429; 0 turns the limit off.</summary>
    public int MaxFailures { get; set; } = 30;

    /// <summary>The window, in seconds; a client that was refused may try again when its window ends.</summary>
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// Slows down clients that keep failing at <c>/api/*</c> (the webhook and the admin API): ASP.NET Core's rate limiter,
/// one fixed window per client address, spends a permit only after a request was answered 400, 401 or 413, so
/// successes never count. Once a client has none left, its requests get 429 with <c>Retry-After</c> before anything is
/// read: a wrong admin key, a webhook without a signature, garbage.
/// <para>
/// A delivery Meta signed is never limited: behind a proxy all of Meta is one client, and that client may share an
/// address with one that sends garbage. So a limited client's webhook that carries a well-formed
/// <c>X-Hub-Signature-256</c> is still read and checked (within the body limits); a genuine one is stored and answered
/// as always, and only a wrong one gets 429 instead of 401. An IPv6 client is its /64. A request without a client
/// address (a Unix socket with no forwarded headers, an in-process test server) is never limited.
/// </para>
/// </summary>
internal sealed partial class FailingClientLimit : IDisposable
{
    private const string WebhookPath = "/api/meta-webhook";

    private readonly PartitionedRateLimiter<string>? _failures;
    private readonly int _windowSeconds;

    public FailingClientLimit(IOptions<FailingClientOptions> options)
    {
        var settings = options.Value;
        _windowSeconds = Math.Max(1, settings.WindowSeconds);
        if (settings.MaxFailures <= 0)
        {
            return;
        }

        var window = new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.MaxFailures,
            Window = TimeSpan.FromSeconds(_windowSeconds),
            QueueLimit = 0,
        };
        _failures = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => window));
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_failures is null || !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) ||
            ClientOf(context) is not { } client)
        {
            await next(context);
            return;
        }

        using var allowance = _failures.AttemptAcquire(client, 0);
        if (allowance.IsAcquired)
        {
            await next(context);
        }
        else if (CarriesMetasSignature(context.Request))
        {
            await AnswerUnlessItFailsAsync(context, next, allowance);
        }
        else
        {
            await RefuseAsync(context, allowance);
            return;
        }

        if (IsFailure(context.Response.StatusCode))
        {
            _failures.AttemptAcquire(client).Dispose();
        }
    }

    /// <summary>A signed-looking delivery from a limited client: its answer is held back, and replaced by 429 if it failed.</summary>
    private async Task AnswerUnlessItFailsAsync(HttpContext context, RequestDelegate next, RateLimitLease allowance)
    {
        var original = context.Response.Body;
        await using var held = new MemoryStream();
        context.Response.Body = held;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        if (IsFailure(context.Response.StatusCode))
        {
            context.Response.Clear();
            await RefuseAsync(context, allowance);
            return;
        }

        held.Position = 0;
        await held.CopyToAsync(original, context.RequestAborted);
    }

    private async Task RefuseAsync(HttpContext context, RateLimitLease allowance)
    {
        var retryAfter = allowance.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : _windowSeconds;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Max(1, retryAfter).ToString(CultureInfo.InvariantCulture);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many failed requests",
                Detail = "This client sent too many requests that failed (400, 401 or 413); try again after Retry-After seconds.",
            },
        });
    }

    private static bool IsFailure(int status) =>
        status is StatusCodes.Status400BadRequest or StatusCodes.Status401Unauthorized or StatusCodes.Status413PayloadTooLarge;

    private static bool CarriesMetasSignature(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals(WebhookPath, StringComparison.OrdinalIgnoreCase) &&
        request.Headers.TryGetValue("X-Hub-Signature-256", out var signature) && signature.Count == 1 && SignatureShape().IsMatch(signature[0]!);

    /// <summary>The client's address (after forwarded headers, when configured); an IPv6 client is its /64.</summary>
    private static string? ClientOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    [GeneratedRegex("^sha256=[0-9a-fA-F]{64}$")]
    private static partial Regex SignatureShape();

    public void Dispose() => _failures?.Dispose();
}

internal static class FailingClientLimitSetup
{
    public static IServiceCollection AddFailingClientLimit(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<FailingClientOptions>(configuration.GetSection(FailingClientOptions.SectionName));
        return services.AddSingleton<FailingClientLimit>();
    }

    /// <summary>Outside the exception handler, so that a failure it turns into a 400/401/413 is seen as one.</summary>
    public static WebApplication UseFailingClientLimit(this WebApplication app)
    {
        var limit = app.Services.GetRequiredService<FailingClientLimit>();
        app.Use((context, next) => limit.InvokeAsync(context, next));
        return app;
    }
}
