using System.Security.Cryptography;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// Headers every answer carries: no MIME sniffing, no referrer leaving the site, no framing by other sites, a
/// Content-Security-Policy chosen by what the path serves; and HSTS outside Development (ASP.NET Core sends it only on
/// HTTPS requests, so behind a TLS-terminating proxy configure forwarded headers).
/// </summary>
internal static class SecurityHeaders
{
    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services) => services.AddScoped<CspNonce>();

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.Use((context, next) =>
        {
            // Chosen now: Hangfire's dashboard runs in a branch that moves /hangfire into PathBase.
            var policy = ContentSecurityPolicy.For(context);
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = policy;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}

/// <summary>
/// The per-request nonce that lets the dashboard's one inline script (Blazor's import map) run while every other
/// inline script is refused.
/// </summary>
internal sealed class CspNonce
{
    // URL-safe alphabet: the value goes into an HTML attribute unescaped.
    public string Value { get; } = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
}

/// <summary>
/// Content-Security-Policy per kind of answer. Pages may load scripts, styles and images from this origin only, and
/// connect only to it (Blazor's WebSocket to <c>/_blazor</c>: CSP 3's <c>'self'</c> covers ws/wss of the same host);
/// no inline script runs except with the request's nonce, nothing uses <c>eval</c>, no other site may frame a page or
/// receive a form. API answers (JSON, a customer's media file) are never meant to render: nothing runs in them.
/// </summary>
internal static class ContentSecurityPolicy
{
    private const string Common = "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; img-src 'self' data:; connect-src 'self'";

    public const string Api = "default-src 'none'; frame-ancestors 'none'; sandbox";

    // Swagger UI's and Hangfire's scripts are files, but both style inline: Swagger UI's bundle adds a <style> element,
    // Hangfire's pages put style="…" on job state cards and its charts add <style>. Inline styles are allowed there,
    // and only there; with images, fonts and connections limited to this origin, CSS cannot send page content away.
    public const string SwaggerUi = Common + "; script-src 'self'; style-src 'self' 'unsafe-inline'";

    public const string Hangfire = SwaggerUi;

    public static string For(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return Api;
        }

        if (path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase))
        {
            return SwaggerUi;
        }

        if (path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase))
        {
            return Hangfire;
        }

        var nonce = context.RequestServices.GetRequiredService<CspNonce>().Value;
        return $"{Common}; script-src 'self' 'nonce-{nonce}'; style-src 'self'";
    }
}
