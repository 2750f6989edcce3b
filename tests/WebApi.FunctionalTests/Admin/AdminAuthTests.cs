using System.Net;
using System.Text;
using CleanAgent.WebApi.FunctionalTests.Support;

namespace CleanAgent.WebApi.FunctionalTests.Admin;

public static class AdminRoutes
{
    private const string Id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

    /// <summary>Every admin route of the design that exists now.</summary>
    public static TheoryData<string, string> All => new()
    {
        { "GET", "/api/agents" },
        { "POST", "/api/agents" },
        { "GET", $"/api/agents/{Id}" },
        { "PUT", $"/api/agents/{Id}" },
        { "DELETE", $"/api/agents/{Id}" },
        { "GET", "/api/whatsapp-numbers" },
        { "POST", "/api/whatsapp-numbers" },
        { "GET", $"/api/whatsapp-numbers/{Id}" },
        { "PUT", $"/api/whatsapp-numbers/{Id}" },
        { "DELETE", $"/api/whatsapp-numbers/{Id}" },
        { "GET", "/api/conversations" },
        { "GET", $"/api/conversations?whatsAppNumberId={Id}&page=1&pageSize=20" },
        { "GET", $"/api/conversations/{Id}/messages" },
    };
}

public abstract class AdminAuthTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    private static HttpRequestMessage Request(string method, string path, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("""{"name":"x","prompt":"y"}""", Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return request;
    }

    [SkippableTheory]
    [MemberData(nameof(AdminRoutes.All), MemberType = typeof(AdminRoutes))]
    public async Task Admin_route_without_a_key_is_401_problem(string method, string path)
    {
        RequireDatabase();
        using var client = App.CreateClient();

        using var response = await client.SendAsync(Request(method, path, key: null));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [SkippableTheory]
    [MemberData(nameof(AdminRoutes.All), MemberType = typeof(AdminRoutes))]
    public async Task Admin_route_with_a_wrong_key_is_401_problem(string method, string path)
    {
        RequireDatabase();
        using var client = App.CreateClient();

        using var wrong = await client.SendAsync(Request(method, path, key: TestApp.ApiKey + "x"));
        using var empty = await client.SendAsync(Request(method, path, key: ""));

        await HttpAssert.ProblemAsync(wrong, HttpStatusCode.Unauthorized);
        await HttpAssert.ProblemAsync(empty, HttpStatusCode.Unauthorized);
    }

    [SkippableTheory]
    [MemberData(nameof(AdminRoutes.All), MemberType = typeof(AdminRoutes))]
    public async Task Admin_route_with_the_key_is_let_in(string method, string path)
    {
        RequireDatabase();
        using var client = App.CreateClient();

        using var response = await client.SendAsync(Request(method, path, key: TestApp.ApiKey));

        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [SkippableFact]
    public async Task Refused_requests_store_nothing()
    {
        RequireDatabase();
        using var client = App.CreateClient();

        using var response = await client.SendAsync(Request("POST", "/api/agents", key: "wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await StoredValues.CountAsync(App, "Agents"));
    }
}

public sealed class AdminAuthOnSqlite(SqliteApp app) : AdminAuthTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class AdminAuthOnPostgres(PostgresApp app) : AdminAuthTests<PostgresApp>(app), IClassFixture<PostgresApp>;
