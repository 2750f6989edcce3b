using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanAgent.WebApi.FunctionalTests.Support;

namespace CleanAgent.WebApi.FunctionalTests.Sandbox;

public sealed class SandboxApiTests(SqliteApp app) : DatabaseTest<SqliteApp>(app), IClassFixture<SqliteApp>
{
    [Fact]
    public async Task A_sandbox_number_has_no_templates_to_list()
    {
        using var client = App.CreateAdminClient();
        var number = await HttpAssert.JsonAsync(await client.PostAsync("/api/sandbox/start", null), HttpStatusCode.OK);

        var templates = await HttpAssert.JsonAsync(
            await client.GetAsync($"/api/whatsapp-numbers/{number.GetProperty("id").GetGuid()}/templates"), HttpStatusCode.OK);

        Assert.Equal(0, templates.GetArrayLength());
    }

    [Fact]
    public async Task Try_it_answers_from_the_sample_FAQ_and_the_answer_is_read()
    {
        using var client = App.CreateAdminClient();

        var number = await HttpAssert.JsonAsync(await client.PostAsync("/api/sandbox/start", null), HttpStatusCode.OK);
        var again = await HttpAssert.JsonAsync(await client.PostAsync("/api/sandbox/start", null), HttpStatusCode.OK);
        var numberId = number.GetProperty("id").GetGuid();
        Assert.True(number.GetProperty("isSandbox").GetBoolean());
        Assert.Equal(numberId, again.GetProperty("id").GetGuid());
        Assert.True(number.GetProperty("appSecretSet").GetBoolean());
        Assert.DoesNotContain("appSecret\"", number.GetRawText(), StringComparison.Ordinal);

        var sent = await HttpAssert.JsonAsync(
            await client.PostAsJsonAsync($"/api/sandbox/{numberId}/messages", new { text = "what are your opening hours?" }), HttpStatusCode.OK);
        var conversationId = sent.GetProperty("conversationId").GetGuid();

        JsonElement answer = default;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var messages = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
            answer = messages.GetProperty("items").EnumerateArray().FirstOrDefault(m => m.GetProperty("direction").GetString() == "Outbound");
            if (answer.ValueKind == JsonValueKind.Object && answer.GetProperty("status").GetString() == "Read")
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(JsonValueKind.Object, answer.ValueKind);
        Assert.Contains("Monday to Friday 8:00-18:00", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("Read", answer.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_real_number_cannot_be_simulated()
    {
        using var client = App.CreateAdminClient();
        var numberId = await client.AddNumberAsync("123456789012345");

        var response = await client.PostAsJsonAsync($"/api/sandbox/{numberId}/messages", new { text = "hello" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task An_empty_message_is_a_field_error()
    {
        using var client = App.CreateAdminClient();
        var number = await HttpAssert.JsonAsync(await client.PostAsync("/api/sandbox/start", null), HttpStatusCode.OK);

        await HttpAssert.FieldErrorAsync(
            await client.PostAsJsonAsync($"/api/sandbox/{number.GetProperty("id").GetGuid()}/messages", new { text = "" }), "text");
    }
}
