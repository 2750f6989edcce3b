using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanAgent.Domain.Conversations;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CleanAgent.WebApi.FunctionalTests.Handoff;

/// <summary>The clocks of a handoff, with short settings: idle conversations go back to the agent; a model that keeps failing hands over.</summary>
public abstract class HandoffTimingTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : ReplyTestApp
{
    private const string PhoneNumberId = "106540352242922";
    private const string Customer = "16315551181";

    private static string Text(string wamid, string body) =>
        Meta.TextWebhook(PhoneNumberId, Customer, wamid, body, "Ana", DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private async Task<HttpClient> SetUpAsync()
    {
        App.GraphAcceptsEverything();
        var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(PhoneNumberId, agentId: await App.AddAgentAsync(admin));
        return admin;
    }

    private Task<Guid> ConversationIdAsync() => App.WithDbAsync(db => db.Conversations.Select(c => c.Id).SingleAsync());

    private Task<int> SentCountAsync() =>
        App.WithDbAsync(db => db.Messages.CountAsync(m => m.Direction == MessageDirection.Outbound && m.Status == MessageStatus.Sent));

    [SkippableFact]
    public async Task An_idle_handoff_goes_back_to_the_agent_which_answers_what_waited_once()
    {
        RequireDatabase();
        var admin = await SetUpAsync();
        App.LlmAnswers("Hello Ana!");
        using var client = App.CreateClient();
        await client.PostWebhookAsync(Text("wamid.IN1", "Hi"));
        await ReplyTestApp.EventuallyAsync(async () => await SentCountAsync() == 1, "the first answer sent");
        var id = await ConversationIdAsync();

        await HttpAssert.JsonAsync(await admin.PostAsJsonAsync($"/api/conversations/{id}/handoff", new { reason = "Back soon" }), HttpStatusCode.OK);
        await client.PostWebhookAsync(Text("wamid.IN2", "Anyone?"));
        App.LlmAnswers("Sorry for the wait, Ana.");

        var resumed = await ReplyTestApp.EventuallyReadAsync(
            () => admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}"), c => c.GetProperty("mode").GetString() == "Agent", "the conversation back with the agent");
        Assert.Equal("system", resumed.GetProperty("modeChangedBy").GetString());
        await ReplyTestApp.EventuallyAsync(async () => await SentCountAsync() == 2, "what waited answered");
        Assert.Equal("Sorry for the wait, Ana.", App.SentTexts()[1].Text);
        Assert.Contains("Anyone?", Assert.Single(App.LlmRequests()).GetProperty("messages").ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_model_that_keeps_failing_hands_the_conversation_to_a_person()
    {
        RequireDatabase();
        var admin = await SetUpAsync();
        App.Llm.Reset();
        App.Llm.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Response.Create().WithStatusCode(400).WithBody("""{"error":{"message":"bad"}}"""));
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.IN1", "Hello?"));

        await ReplyTestApp.EventuallyAsync(async () => (await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleOrDefaultAsync()))
            is { Mode: ConversationMode.Human, WaitingForHuman: true, ModeChangedBy: "system" }, "the conversation waiting for a person");
        var conversation = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{await ConversationIdAsync()}");
        Assert.Contains("could not answer", conversation.GetProperty("modeReason").GetString() ?? "", StringComparison.Ordinal);
        Assert.Empty(App.SentTexts());
    }
}

public sealed class SqliteHandoffTimingApp : ReplyTestApp
{
    public SqliteHandoffTimingApp()
        : base(TestDatabase.Sqlite) => ShortClocks(Settings);

    internal static void ShortClocks(IDictionary<string, string?> settings)
    {
        settings["Handoff:IdleMinutes"] = "0.1";
        settings["Handoff:IdleCheckSeconds"] = "1";
        settings["Handoff:AfterFailedAttempts"] = "1";
    }
}

public sealed class PostgresHandoffTimingApp : ReplyTestApp
{
    public PostgresHandoffTimingApp()
        : base(TestDatabase.PostgreSql) => SqliteHandoffTimingApp.ShortClocks(Settings);
}

public sealed class HandoffTimingOnSqlite(SqliteHandoffTimingApp app) : HandoffTimingTests<SqliteHandoffTimingApp>(app), IClassFixture<SqliteHandoffTimingApp>;

public sealed class HandoffTimingOnPostgres(PostgresHandoffTimingApp app) : HandoffTimingTests<PostgresHandoffTimingApp>(app), IClassFixture<PostgresHandoffTimingApp>;
