using System.Net;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.Http;

namespace CleanAgent.WebApi.FunctionalTests.Platform;

public abstract class PlatformEndpointsTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
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

    [SkippableFact]
    public async Task Hangfire_dashboard_through_the_test_client_needs_a_key()
    {
        RequireDatabase();
        using var client = App.CreateClient();

        // TestServer leaves the remote address empty, which must count as "not from this machine".
        var withoutKey = await client.GetAsync("/hangfire");
        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/hangfire") { Headers = { { "X-Api-Key", TestApp.ApiKey } } };

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(withKey)).StatusCode);
    }

    [SkippableTheory]
    [InlineData("203.0.113.7", null, null, StatusCodes.Status401Unauthorized)]
    [InlineData("203.0.113.7", "wrong-key", null, StatusCodes.Status401Unauthorized)]
    [InlineData("203.0.113.7", TestApp.ApiKey, null, StatusCodes.Status200OK)]
    [InlineData("127.0.0.1", null, null, StatusCodes.Status200OK)]
    [InlineData("::1", null, null, StatusCodes.Status200OK)]
    [InlineData("127.0.0.1", null, "203.0.113.7", StatusCodes.Status401Unauthorized)]
    public async Task Hangfire_dashboard_is_open_from_this_machine_and_needs_a_key_from_elsewhere(
        string remoteAddress, string? key, string? forwardedFor, int expected)
    {
        RequireDatabase();

        var context = await App.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/hangfire";
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

        Assert.Equal(expected, context.Response.StatusCode);
    }
}

public sealed class PlatformEndpointsOnSqlite(SqliteApp app) : PlatformEndpointsTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class PlatformEndpointsOnPostgres(PostgresApp app) : PlatformEndpointsTests<PostgresApp>(app), IClassFixture<PostgresApp>;
