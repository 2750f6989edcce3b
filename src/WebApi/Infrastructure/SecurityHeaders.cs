namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// Headers every answer carries: no MIME sniffing, no referrer leaving the site, no framing by other sites; and HSTS
/// outside Development (ASP.NET Core sends it only on HTTPS requests, so behind a TLS-terminating proxy configure
/// forwarded headers).
/// </summary>
internal static class SecurityHeaders
{
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
