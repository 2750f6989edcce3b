using System.Net;
using System.Text.RegularExpressions;
using CleanAgent.Infrastructure.Jobs;
using CleanAgent.WebApi.FunctionalTests.Support;
using Hangfire;
using Hangfire.States;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.WebApi.FunctionalTests.Platform;

public abstract partial class PlatformEndpointsTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    [SkippableFact]
    public async Task Health_is_200_without_a_key_when_the_database_answers()
    {
        RequireDatabase();
        using var client = App.CreateClient();

        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task Swagger_document_lists_the_admin_routes_and_requires_the_api_key_on_admin_operations_only()
    {
        RequireDatabase();
        using var client = App.CreateClient();

        var document = await HttpAssert.JsonAsync(await client.GetAsync("/swagger/v1/swagger.json"), HttpStatusCode.OK);

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").EnumerateObject().Single();
        Assert.Equal("apiKey", scheme.Value.GetProperty("type").GetString());
        Assert.Equal("header", scheme.Value.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.Value.GetProperty("name").GetString());
        // Required per admin operation, not globally: Meta's webhook is signed instead (docs/openapi.json, WebApi.ContractTests).
        Assert.False(document.TryGetProperty("security", out _));
        var requirement = Assert.Single(document.GetProperty("paths").GetProperty("/api/agents").GetProperty("get").GetProperty("security").EnumerateArray());
        Assert.True(requirement.TryGetProperty(scheme.Name, out _), $"Listing agents does not require the '{scheme.Name}' scheme.");
        Assert.Empty(document.GetProperty("paths").GetProperty("/api/meta-webhook").GetProperty("post").GetProperty("security").EnumerateArray());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/agents", paths);
        Assert.Contains("/api/whatsapp-numbers/{id}", paths);
        Assert.Contains("/api/conversations/{id}/messages", paths);
    }

    [SkippableFact]
    public async Task Swagger_UI_is_served()
    {
        RequireDatabase();
        using var client = App.CreateClient();

        var response = await client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [SkippableTheory]
    [InlineData("/health")]
    [InlineData("/swagger/index.html")]
    [InlineData("/login")]
    [InlineData("/api/agents")]
    [InlineData("/api/meta-webhook")]
    public async Task Every_answer_carries_the_standard_security_headers(string path)
    {
        RequireDatabase();
        using var client = App.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotMatch("script-src[^;]*unsafe-inline", policy);
    }

    [SkippableFact]
    public async Task Dashboard_pages_run_only_scripts_from_the_site_and_the_inline_import_map_that_carries_the_requests_nonce()
    {
        RequireDatabase();
        using var client = App.CreateClient();

        var first = await client.GetAsync("/login");
        var second = await client.GetAsync("/login");

        var nonces = new List<string>();
        foreach (var response in new[] { first, second })
        {
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            var nonce = Regex.Match(policy, "script-src 'self' 'nonce-([^']+)';").Groups[1].Value;
            Assert.NotEmpty(nonce);
            Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("style-src 'self'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            nonces.Add(nonce);
        }

        Assert.NotEqual(nonces[0], nonces[1]);
    }

    [SkippableFact]
    public async Task Api_answers_never_render_as_a_page()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();

        var response = await admin.GetAsync("/api/agents");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'; sandbox", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [SkippableFact]
    public async Task Swagger_UI_does_not_keep_the_admin_key_in_the_browser()
    {
        RequireDatabase();
        using var client = App.CreateClient();

        var config = await client.GetStringAsync("/swagger/index.js");

        Assert.Contains("configObject", config, StringComparison.Ordinal);
        Assert.DoesNotContain("\"persistAuthorization\":true", config.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("127.0.0.1", null, null)]
    [InlineData("::1", null, null)]
    [InlineData("127.0.0.1", null, "127.0.0.1")]
    [InlineData("203.0.113.7", null, "127.0.0.1")]
    [InlineData("127.0.0.1", TestApp.ApiKey, null)]
    [InlineData("203.0.113.7", "wrong-key", null)]
    public async Task Hangfire_dashboard_needs_a_signed_in_operator_wherever_the_request_seems_to_come_from(
        string remoteAddress, string? key, string? forwardedFor)
    {
        RequireDatabase();

        foreach (var path in new[] { "/hangfire", "/hangfire/jobs/enqueued", "/hangfire/stats" })
        {
            var context = await App.Server.SendAsync(c =>
            {
                c.Request.Method = path.EndsWith("stats", StringComparison.Ordinal) ? "POST" : "GET";
                c.Request.Path = path;
                c.Connection.RemoteIpAddress = IPAddress.Parse(remoteAddress);
                if (key is not null)
                {
                    c.Request.Headers["X-Api-Key"] = key;
                }

                if (forwardedFor is not null)
                {
                    c.Request.Headers["X-Forwarded-For"] = forwardedFor;
                }
            });

            Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        }
    }

    [SkippableFact]
    public async Task A_signed_in_operator_sees_the_hangfire_dashboard_and_its_actions_work_with_the_antiforgery_token_only()
    {
        RequireDatabase();
        var jobId = App.Services.GetRequiredService<IBackgroundJobClient>()
            .Schedule<ReplyToConversationJob>(j => j.RunAsync(Guid.NewGuid(), CancellationToken.None), TimeSpan.FromDays(1));
        using var browser = await App.SignInOperatorAsync();

        var page = await browser.GetAsync("/hangfire/jobs/scheduled");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("CleanAgent reply jobs", html, StringComparison.Ordinal);
        Assert.Contains($"/hangfire/jobs/details/{jobId}", html, StringComparison.Ordinal);
        var header = CsrfMeta().Matches(html).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.NotEmpty(header["header"]);
        Assert.NotEmpty(header["token"]);

        // The dashboard's own POST without its token (what a cross-site form would send with the cookie): refused.
        var forged = await browser.PostAsync("/hangfire/jobs/scheduled/delete", Jobs(jobId));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(ScheduledState.StateName, StateOf(jobId));

        // The same POST from someone with only the admin key, token included: refused too.
        using var integration = App.CreateAdminClient();
        var withKey = await PostWithTokenAsync(integration, $"/hangfire/jobs/actions/delete/{jobId}", header, new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.Unauthorized, withKey.StatusCode);
        Assert.Equal(ScheduledState.StateName, StateOf(jobId));

        // The operator's page, with its token: deleted.
        var deleted = await PostWithTokenAsync(browser, "/hangfire/jobs/scheduled/delete", header, Jobs(jobId));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(DeletedState.StateName, StateOf(jobId));

        var job = await browser.GetAsync($"/hangfire/jobs/details/{jobId}");
        Assert.Equal(HttpStatusCode.OK, job.StatusCode);
    }

    private static FormUrlEncodedContent Jobs(string jobId) => new([new("jobs[]", jobId)]);

    private static async Task<HttpResponseMessage> PostWithTokenAsync(HttpClient client, string path, Dictionary<string, string> csrf, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add(csrf["header"], csrf["token"]);
        return await client.SendAsync(request);
    }

    private string? StateOf(string jobId)
    {
        using var connection = App.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }

    [GeneratedRegex("<meta name=\"csrf-(header|token)\" content=\"([^\"]*)\"")]
    private static partial Regex CsrfMeta();
}

public sealed class PlatformEndpointsOnSqlite(SqliteApp app) : PlatformEndpointsTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class PlatformEndpointsOnPostgres(PostgresApp app) : PlatformEndpointsTests<PostgresApp>(app), IClassFixture<PostgresApp>;
