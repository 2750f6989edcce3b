using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanAgent.WebApi.FunctionalTests.Support;

namespace CleanAgent.WebApi.FunctionalTests.Admin;

public abstract class AgentsApiTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    [SkippableFact]
    public async Task Created_agent_can_be_read_back_listed_updated_and_deleted()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();

        var created = await client.PostAsJsonAsync("/api/agents", new { name = "Support", prompt = "You help customers.", llmModel = "gpt-4o-mini" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var agent = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = agent.GetProperty("id").GetGuid();
        Assert.Equal($"/api/agents/{id}", created.Headers.Location?.AbsolutePath, ignoreCase: true);

        var fetched = await client.GetFromJsonAsync<JsonElement>($"/api/agents/{id}");
        Assert.Equal("Support", fetched.GetProperty("name").GetString());
        Assert.Equal("gpt-4o-mini", fetched.GetProperty("llmModel").GetString());

        var updated = await client.PutAsJsonAsync($"/api/agents/{id}", new { name = "Sales", prompt = "You sell." });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/agents");
        Assert.Equal("Sales", Assert.Single(list.EnumerateArray()).GetProperty("name").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/agents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/agents/{id}")).StatusCode);
    }

    [SkippableFact]
    public async Task Agent_without_name_or_prompt_is_refused_naming_the_fields()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();

        var response = await client.PostAsJsonAsync("/api/agents", new { name = "", prompt = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("prompt", out _));
        Assert.Empty(await client.GetFromJsonAsync<JsonElement[]>("/api/agents") ?? []);
    }

    [SkippableFact]
    public async Task Invalid_update_is_400_naming_the_fields_and_changes_nothing()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var id = await Numbers.AddAgentAsync(client, "Support");

        var response = await client.PutAsJsonAsync($"/api/agents/{id}", new { name = "", prompt = "p", llmModel = new string('m', 201) });

        await HttpAssert.FieldErrorAsync(response, "name");
        await HttpAssert.FieldErrorAsync(response, "llmModel");
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/agents/{id}");
        Assert.Equal("Support", stored.GetProperty("name").GetString());
    }

    [SkippableFact]
    public async Task Unknown_agent_is_404_problem()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();

        var get = await client.GetAsync($"/api/agents/{Guid.NewGuid()}");
        var put = await client.PutAsJsonAsync($"/api/agents/{Guid.NewGuid()}", new { name = "x", prompt = "y" });
        var delete = await client.DeleteAsync($"/api/agents/{Guid.NewGuid()}");

        Assert.All([get, put, delete], r =>
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        });
    }
}

public sealed class AgentsApiOnSqlite(SqliteApp app) : AgentsApiTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class AgentsApiOnPostgres(PostgresApp app) : AgentsApiTests<PostgresApp>(app), IClassFixture<PostgresApp>;
