using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CleanAgent.WebApi.FunctionalTests.Support;

namespace CleanAgent.WebApi.FunctionalTests.Admin;

/// <summary>What an integrator relies on across every route: one error shape, one timestamp format, one id format.</summary>
public abstract partial class ApiConventionsTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    public static TheoryData<string, string, int> Errors => new()
    {
        { "GET", "/api/agents", StatusCodes401 },
        { "GET", "/api/no-such-route", 404 },
        { "GET", $"/api/agents/{Guid.NewGuid()}", 404 },
        { "GET", "/api/agents/not-a-guid", 404 },
        { "PATCH", "/api/agents", 405 },
        { "DELETE", "/api/conversations", 405 },
        { "POST", "/api/agents", 415 },
        { "POST", "/api/agents/00000000-0000-0000-0000-000000000001/knowledge", 415 },
        { "GET", "/api/conversations?page=abc", 400 },
        { "GET", "/api/meta-webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", 403 },
    };

    private const int StatusCodes401 = 401;

    [SkippableTheory]
    [MemberData(nameof(Errors))]
    public async Task Every_error_is_a_problem_with_a_trace_id(string method, string path, int status)
    {
        RequireDatabase();
        using var client = status is StatusCodes401 or 403 ? App.CreateClient() : App.CreateAdminClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("name=Bella", Encoding.UTF8, "text/plain");
        }

        var problem = await HttpAssert.ProblemAsync(await client.SendAsync(request), (HttpStatusCode)status);

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()), problem.ToString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()), problem.ToString());
    }

    [SkippableFact]
    public async Task Timestamps_are_utc_with_z_and_ids_are_lowercase_hyphenated_guids()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var created = await client.PostAsJsonAsync("/api/agents", new { name = "Bella", prompt = "Help." });
        var id = (await HttpAssert.JsonAsync(created, HttpStatusCode.Created)).GetProperty("id").GetString();
        var numberId = await client.AddNumberAsync("111222333444555");
        using var meta = App.CreateClient();
        await meta.PostWebhookAsync(Meta.TextWebhook("111222333444555", "16315551181", "wamid.conv1", "Hi"));

        var bodies = new List<string>
        {
            await created.Content.ReadAsStringAsync(),
            await client.GetStringAsync($"/api/agents/{id}"),
            await client.GetStringAsync($"/api/whatsapp-numbers/{numberId}"),
            await client.GetStringAsync("/api/conversations"),
        };
        var conversationId = JsonDocument.Parse(bodies[^1]).RootElement.GetProperty("items")[0].GetProperty("id").GetString();
        bodies.Add(await client.GetStringAsync($"/api/conversations/{conversationId}/messages"));

        var timestamps = bodies.SelectMany(b => Values(JsonDocument.Parse(b).RootElement)).Where(v => IsoDate().IsMatch(v)).ToList();
        var ids = bodies.SelectMany(b => Properties(JsonDocument.Parse(b).RootElement)).Where(p => p.Name == "id" || p.Name.EndsWith("Id", StringComparison.Ordinal))
            .Where(p => p.Value.ValueKind == JsonValueKind.String && Guid.TryParse(p.Value.GetString(), out _)).Select(p => p.Value.GetString()!).ToList();

        Assert.True(timestamps.Count >= 8, string.Join(", ", timestamps));
        Assert.All(timestamps, t => Assert.EndsWith("Z", t, StringComparison.Ordinal));
        Assert.True(ids.Count >= 5, string.Join(", ", ids));
        Assert.All(ids, i => Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", i));
    }

    private static IEnumerable<string> Values(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Values(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Values),
        JsonValueKind.String => [element.GetString()!],
        _ => [],
    };

    private static IEnumerable<JsonProperty> Properties(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Properties(p.Value).Prepend(p)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Properties),
        _ => [],
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")]
    private static partial Regex IsoDate();
}

public sealed class ApiConventionsOnSqlite(SqliteApp app) : ApiConventionsTests<SqliteApp>(app), IClassFixture<SqliteApp>;
