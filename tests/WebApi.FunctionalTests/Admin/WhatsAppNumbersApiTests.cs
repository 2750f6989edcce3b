using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.WebApi.FunctionalTests.Admin;

public abstract class WhatsAppNumbersApiTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    private const string WebhookUrl = "https://agents.example.com/api/meta-webhook";

    [SkippableFact]
    public async Task Added_number_is_normalised_shown_with_its_webhook_url_and_can_be_listed_updated_and_deleted()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var body = Numbers.ValidBody();

        var created = await client.PostAsJsonAsync("/api/whatsapp-numbers", body);
        var number = await HttpAssert.JsonAsync(created, HttpStatusCode.Created);
        var id = number.GetProperty("id").GetGuid();
        Assert.Equal($"/api/whatsapp-numbers/{id}", created.Headers.Location?.AbsolutePath, ignoreCase: true);
        Assert.Equal("+12345678900", number.GetProperty("phoneNumber").GetString());
        Assert.Equal("123456789012345", number.GetProperty("phoneNumberId").GetString());
        Assert.Equal("Active", number.GetProperty("status").GetString());
        Assert.Equal("v24.0", number.GetProperty("graphApiVersion").GetString());
        Assert.Equal(WebhookUrl, number.GetProperty("webhookUrl").GetString());

        var fetched = await client.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{id}");
        Assert.Equal(WebhookUrl, fetched.GetProperty("webhookUrl").GetString());
        var listed = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/whatsapp-numbers")).EnumerateArray());
        Assert.Equal(WebhookUrl, listed.GetProperty("webhookUrl").GetString());

        body["displayName"] = "Sales line";
        body["status"] = "inactive";
        var updated = await HttpAssert.JsonAsync(await client.PutAsJsonAsync($"/api/whatsapp-numbers/{id}", body), HttpStatusCode.OK);
        Assert.Equal("Sales line", updated.GetProperty("displayName").GetString());
        Assert.Equal("Inactive", updated.GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/whatsapp-numbers/{id}")).StatusCode);
        await HttpAssert.ProblemAsync(await client.GetAsync($"/api/whatsapp-numbers/{id}"), HttpStatusCode.NotFound);
        Assert.Equal(0, await StoredValues.CountAsync(App, "WhatsAppNumbers"));
    }

    [SkippableFact]
    public async Task Number_without_a_graph_api_version_gets_the_default()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var body = Numbers.ValidBody();
        body.Remove("graphApiVersion");

        var number = await Numbers.AddAsync(client, body);

        Assert.Equal(Domain.Common.GraphApiVersion.Default, number.GetProperty("graphApiVersion").GetString());
    }

    [SkippableTheory]
    [InlineData("phoneNumber", "12345")]
    [InlineData("phoneNumber", "call me")]
    [InlineData("phoneNumberId", "12345abc")]
    [InlineData("phoneNumberId", "")]
    [InlineData("businessId", "biz-1")]
    [InlineData("appId", "app-1")]
    [InlineData("status", "Paused")]
    [InlineData("graphApiVersion", "v20.0")]
    [InlineData("graphApiVersion", "v19.0")]
    [InlineData("graphApiVersion", "24.0")]
    [InlineData("graphApiVersion", "v24")]
    [InlineData("agentId", "3f2504e0-4f89-41d3-9a0c-0305e82c3301")]
    [InlineData("appSecret", null)]
    [InlineData("appSecret", "")]
    [InlineData("displayName", "")]
    public async Task Add_with_an_invalid_field_is_400_naming_it_and_stores_nothing(string field, string? value)
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var body = Numbers.ValidBody();
        body[field] = value;

        var response = await client.PostAsJsonAsync("/api/whatsapp-numbers", body);

        await HttpAssert.FieldErrorAsync(response, field);
        Assert.Equal(0, await StoredValues.CountAsync(App, "WhatsAppNumbers"));
    }

    [SkippableTheory]
    [InlineData("agentId", "\"not-a-guid\"")]
    [InlineData("agentId", "42")]
    [InlineData("phoneNumberId", "{}")]
    public async Task Add_with_an_unreadable_field_is_400_problem_naming_it(string field, string json)
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var body = JsonSerializer.Serialize(Numbers.ValidBody()).TrimEnd('}') + $",\"{field}\":{json}}}";

        var response = await client.PostAsync("/api/whatsapp-numbers", new StringContent(body, Encoding.UTF8, "application/json"));

        await HttpAssert.FieldErrorAsync(response, field);
        Assert.Equal(0, await StoredValues.CountAsync(App, "WhatsAppNumbers"));
    }

    [SkippableFact]
    public async Task Expired_graph_api_version_is_refused_with_a_message_saying_so()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var body = Numbers.ValidBody();
        body["graphApiVersion"] = "v20.0";

        var messages = await HttpAssert.FieldErrorAsync(await client.PostAsJsonAsync("/api/whatsapp-numbers", body), "graphApiVersion");

        Assert.Contains(messages, m => m.Contains("expired", StringComparison.OrdinalIgnoreCase));
    }

    [SkippableTheory]
    [InlineData("phoneNumber", "12345")]
    [InlineData("phoneNumberId", "abc")]
    [InlineData("status", "Deleted")]
    [InlineData("graphApiVersion", "v18.0")]
    [InlineData("agentId", "3f2504e0-4f89-41d3-9a0c-0305e82c3301")]
    public async Task Update_with_an_invalid_field_is_400_naming_it_and_changes_nothing(string field, string value)
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var body = Numbers.ValidBody();
        var id = (await Numbers.AddAsync(client, body)).GetProperty("id").GetGuid();
        body[field] = value;
        body["displayName"] = "Changed";

        await HttpAssert.FieldErrorAsync(await client.PutAsJsonAsync($"/api/whatsapp-numbers/{id}", body), field);

        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{id}");
        Assert.Equal("Support line", stored.GetProperty("displayName").GetString());
    }

    [SkippableFact]
    public async Task Call_hours_are_stored_shown_kept_when_left_out_and_removed_by_empty_ranges()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var body = Numbers.ValidBody();
        body["callsEnabled"] = true;
        body["callHours"] = new { timeZone = "Europe/Rome", ranges = new[] { new { days = new[] { "mon", "Tuesday" }, from = "9:00", to = "18:00" } } };

        var number = await Numbers.AddAsync(client, body);
        var id = number.GetProperty("id").GetGuid();
        Assert.True(number.GetProperty("callsEnabled").GetBoolean());
        Assert.Equal(
            """{"timeZone":"Europe/Rome","ranges":[{"days":["Monday","Tuesday"],"from":"09:00","to":"18:00"}]}""",
            number.GetProperty("callHours").GetRawText());

        body.Remove("callHours");
        body["displayName"] = "Changed";
        var kept = await HttpAssert.JsonAsync(await client.PutAsJsonAsync($"/api/whatsapp-numbers/{id}", body), HttpStatusCode.OK);
        Assert.Equal("Europe/Rome", kept.GetProperty("callHours").GetProperty("timeZone").GetString());

        body["callHours"] = new { ranges = Array.Empty<object>() };
        var removed = await HttpAssert.JsonAsync(await client.PutAsJsonAsync($"/api/whatsapp-numbers/{id}", body), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, removed.GetProperty("callHours").ValueKind);
    }

    [SkippableTheory]
    [InlineData("""{"timeZone":"Rome","ranges":[{"days":["Mon"],"from":"09:00","to":"18:00"}]}""", "callHours.timeZone", "IANA")]
    [InlineData("""{"timeZone":"Europe/Rome","ranges":[{"days":["Someday"],"from":"09:00","to":"18:00"}]}""", "callHours.ranges[0].days", "not a day")]
    [InlineData("""{"timeZone":"Europe/Rome","ranges":[{"days":["Mon"],"from":"9am","to":"18:00"}]}""", "callHours.ranges[0].from", "HH:mm")]
    [InlineData("""{"timeZone":"Europe/Rome","ranges":[{"days":["Mon"],"from":"09:00","to":"09:00"}]}""", "callHours.ranges[0].to", "past midnight")]
    [InlineData("""{"timeZone":"Europe/Rome","ranges":[{"days":"Mon","from":"09:00","to":"18:00"}]}""", "callHours.ranges[0].days", "")]
    public async Task Bad_call_hours_are_400_naming_the_part_and_change_nothing(string hours, string field, string says)
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var body = Numbers.ValidBody();
        var id = (await Numbers.AddAsync(client, body)).GetProperty("id").GetGuid();
        body["displayName"] = "Changed";
        var json = JsonSerializer.Serialize(body).TrimEnd('}') + $",\"callHours\":{hours}}}";

        var messages = await HttpAssert.FieldErrorAsync(
            await client.PutAsync($"/api/whatsapp-numbers/{id}", new StringContent(json, Encoding.UTF8, "application/json")), field);

        Assert.Contains(messages, m => m.Contains(says, StringComparison.Ordinal));
        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{id}");
        Assert.Equal("Support line", stored.GetProperty("displayName").GetString());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("callHours").ValueKind);
    }

    [SkippableFact]
    public async Task Unknown_number_is_404_problem()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();

        await HttpAssert.ProblemAsync(await client.GetAsync($"/api/whatsapp-numbers/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await client.PutAsJsonAsync($"/api/whatsapp-numbers/{Guid.NewGuid()}", Numbers.ValidBody()), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await client.DeleteAsync($"/api/whatsapp-numbers/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task Same_phone_number_id_twice_is_409_and_the_second_is_not_stored()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        await Numbers.AddAsync(client, Numbers.ValidBody("111222333"));
        var second = Numbers.ValidBody("111222333");
        second["displayName"] = "Second line";
        second["phoneNumber"] = "+44 20 7946 0958";

        var response = await client.PostAsJsonAsync("/api/whatsapp-numbers", second);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Conflict);
        var stored = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/whatsapp-numbers")).EnumerateArray());
        Assert.Equal("Support line", stored.GetProperty("displayName").GetString());
        Assert.Equal("+12345678900", stored.GetProperty("phoneNumber").GetString());
        Assert.Equal(1, await StoredValues.CountAsync(App, "WhatsAppNumbers"));
    }

    [SkippableFact]
    public async Task Simultaneous_adds_of_one_phone_number_id_store_one_and_answer_409_to_the_others()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(_ => client.PostAsJsonAsync("/api/whatsapp-numbers", Numbers.ValidBody("777888999"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, await StoredValues.CountAsync(App, "WhatsAppNumbers"));
    }

    [SkippableFact]
    public async Task Updating_a_number_to_another_numbers_phone_number_id_is_409()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        await Numbers.AddAsync(client, Numbers.ValidBody("111"));
        var body = Numbers.ValidBody("222");
        var id = (await Numbers.AddAsync(client, body)).GetProperty("id").GetGuid();
        body["phoneNumberId"] = "111";

        await HttpAssert.ProblemAsync(await client.PutAsJsonAsync($"/api/whatsapp-numbers/{id}", body), HttpStatusCode.Conflict);

        var stored = await client.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{id}");
        Assert.Equal("222", stored.GetProperty("phoneNumberId").GetString());
    }

    [SkippableFact]
    public async Task Agent_linked_to_a_number_cannot_be_deleted_until_unlinked()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await Numbers.AddAgentAsync(client);
        var body = Numbers.ValidBody();
        body["agentId"] = agentId;
        var number = await Numbers.AddAsync(client, body);
        Assert.Equal(agentId, number.GetProperty("agentId").GetGuid());
        var numberId = number.GetProperty("id").GetGuid();

        var refused = await client.DeleteAsync($"/api/agents/{agentId}");

        await HttpAssert.ProblemAsync(refused, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/agents/{agentId}")).StatusCode);

        body["agentId"] = null;
        body.Remove("appSecret");
        body.Remove("accessToken");
        var unlinked = await HttpAssert.JsonAsync(await client.PutAsJsonAsync($"/api/whatsapp-numbers/{numberId}", body), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, unlinked.GetProperty("agentId").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/agents/{agentId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/agents/{agentId}")).StatusCode);
    }

    [SkippableFact]
    public async Task Secrets_never_appear_in_any_response()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var appSecret = "app-secret-" + Guid.NewGuid().ToString("N");
        var accessToken = "fake-token-" + Guid.NewGuid().ToString("N");
        var body = Numbers.ValidBody(appSecret: appSecret, accessToken: accessToken);

        var bodies = new List<string>();
        var created = await client.PostAsJsonAsync("/api/whatsapp-numbers", body);
        bodies.Add(await created.Content.ReadAsStringAsync());
        var number = JsonDocument.Parse(bodies[^1]).RootElement;
        var id = number.GetProperty("id").GetGuid();
        bodies.Add(await client.GetStringAsync($"/api/whatsapp-numbers/{id}"));
        bodies.Add(await client.GetStringAsync("/api/whatsapp-numbers"));
        bodies.Add(await (await client.PutAsJsonAsync($"/api/whatsapp-numbers/{id}", body)).Content.ReadAsStringAsync());
        bodies.Add(await (await client.PostAsJsonAsync("/api/whatsapp-numbers", body)).Content.ReadAsStringAsync()); // 409
        body["phoneNumber"] = "nope";
        bodies.Add(await (await client.PostAsJsonAsync("/api/whatsapp-numbers", body)).Content.ReadAsStringAsync()); // 400
        bodies.Add(await (await client.PutAsJsonAsync($"/api/whatsapp-numbers/{id}", body)).Content.ReadAsStringAsync()); // 400

        Assert.True(number.GetProperty("appSecretSet").GetBoolean());
        Assert.True(number.GetProperty("accessTokenSet").GetBoolean());
        Assert.Equal(accessToken[^4..], number.GetProperty("accessTokenLast4").GetString());
        Assert.False(number.TryGetProperty("appSecret", out _));
        Assert.False(number.TryGetProperty("accessToken", out _));
        Assert.All(bodies, b =>
        {
            Assert.DoesNotContain(appSecret, b, StringComparison.Ordinal);
            Assert.DoesNotContain(accessToken, b, StringComparison.Ordinal);
        });
    }

    [SkippableFact]
    public async Task Secrets_are_stored_only_in_protected_form()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var appSecret = "app-secret-" + Guid.NewGuid().ToString("N");
        var accessToken = "fake-token-" + Guid.NewGuid().ToString("N");
        var id = (await Numbers.AddAsync(client, Numbers.ValidBody(appSecret: appSecret, accessToken: accessToken))).GetProperty("id").GetGuid();

        var values = await StoredValues.AllAsync(App);

        Assert.DoesNotContain(values, v => v.Value.Contains(appSecret, StringComparison.Ordinal) || v.Value.Contains(accessToken, StringComparison.Ordinal));
        var protector = App.Services.GetRequiredService<ISecretProtector>();
        Assert.Equal(appSecret, protector.Unprotect((await StoredValues.NumberColumnAsync(App, id, "ProtectedAppSecret"))!));
        Assert.Equal(accessToken, protector.Unprotect((await StoredValues.NumberColumnAsync(App, id, "ProtectedAccessToken"))!));
        if (App.Database == TestDatabase.Sqlite)
        {
            var file = StoredValues.SqliteFileBytes(App);
            Assert.Equal(-1, file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(appSecret)));
            Assert.Equal(-1, file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(accessToken)));
            Assert.NotEqual(-1, file.AsSpan().IndexOf(Encoding.UTF8.GetBytes("123456789012345")));
        }
    }

    [SkippableFact]
    public async Task Update_without_secrets_keeps_the_stored_ones()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var accessToken = "fake-token-" + Guid.NewGuid().ToString("N");
        var body = Numbers.ValidBody(accessToken: accessToken);
        var id = (await Numbers.AddAsync(client, body)).GetProperty("id").GetGuid();
        var secretBefore = await StoredValues.NumberColumnAsync(App, id, "ProtectedAppSecret");
        var tokenBefore = await StoredValues.NumberColumnAsync(App, id, "ProtectedAccessToken");
        body.Remove("appSecret");
        body["accessToken"] = "";
        body["displayName"] = "Renamed";

        var updated = await HttpAssert.JsonAsync(await client.PutAsJsonAsync($"/api/whatsapp-numbers/{id}", body), HttpStatusCode.OK);

        Assert.Equal("Renamed", updated.GetProperty("displayName").GetString());
        Assert.True(updated.GetProperty("appSecretSet").GetBoolean());
        Assert.True(updated.GetProperty("accessTokenSet").GetBoolean());
        Assert.Equal(accessToken[^4..], updated.GetProperty("accessTokenLast4").GetString());
        Assert.NotNull(secretBefore);
        Assert.Equal(secretBefore, await StoredValues.NumberColumnAsync(App, id, "ProtectedAppSecret"));
        Assert.Equal(tokenBefore, await StoredValues.NumberColumnAsync(App, id, "ProtectedAccessToken"));
    }

    [SkippableFact]
    public async Task Update_with_a_new_token_replaces_it()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var body = Numbers.ValidBody();
        var id = (await Numbers.AddAsync(client, body)).GetProperty("id").GetGuid();
        var secretBefore = await StoredValues.NumberColumnAsync(App, id, "ProtectedAppSecret");
        var newToken = "fake-new-token-" + Guid.NewGuid().ToString("N");
        body.Remove("appSecret");
        body["accessToken"] = newToken;

        var updated = await HttpAssert.JsonAsync(await client.PutAsJsonAsync($"/api/whatsapp-numbers/{id}", body), HttpStatusCode.OK);

        Assert.Equal(newToken[^4..], updated.GetProperty("accessTokenLast4").GetString());
        var protector = App.Services.GetRequiredService<ISecretProtector>();
        Assert.Equal(newToken, protector.Unprotect((await StoredValues.NumberColumnAsync(App, id, "ProtectedAccessToken"))!));
        Assert.Equal(secretBefore, await StoredValues.NumberColumnAsync(App, id, "ProtectedAppSecret"));
    }

    [SkippableFact]
    public async Task Number_added_without_an_access_token_says_so()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var body = Numbers.ValidBody();
        body.Remove("accessToken");

        var number = await Numbers.AddAsync(client, body);

        Assert.True(number.GetProperty("appSecretSet").GetBoolean());
        Assert.False(number.GetProperty("accessTokenSet").GetBoolean());
        Assert.Equal(JsonValueKind.Null, number.GetProperty("accessTokenLast4").ValueKind);
    }
}

public sealed class WhatsAppNumbersApiOnSqlite(SqliteApp app) : WhatsAppNumbersApiTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class WhatsAppNumbersApiOnPostgres(PostgresApp app) : WhatsAppNumbersApiTests<PostgresApp>(app), IClassFixture<PostgresApp>;
