using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanAgent.Application.Conversations.MarkConversationSeen;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CleanAgent.WebApi.FunctionalTests.Handoff;

/// <summary>A person takes a conversation over, answers it and hands it back; the agent never talks over them.</summary>
public abstract class HandoffTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : ReplyTestApp
{
    private const string PhoneNumberId = "106540352242922";
    private const string Customer = "16315551181";

    private async Task<(HttpClient Admin, Guid NumberId)> SetUpAsync(IReadOnlyList<string>? phrases = null, string? handoffMessage = null)
    {
        App.GraphAcceptsEverything();
        var admin = App.CreateAdminClient();
        var created = await admin.PostAsJsonAsync("/api/agents", new
        {
            name = "Bella", prompt = "You are Bella.", llmModel = "agent-model", handoffPhrases = phrases, handoffMessage,
        });
        var agent = await HttpAssert.JsonAsync(created, HttpStatusCode.Created);
        var numberId = await admin.AddNumberAsync(PhoneNumberId, agentId: agent.GetProperty("id").GetGuid());
        return (admin, numberId);
    }

    private static string Text(string wamid, string body, long? timestamp = null) =>
        Meta.TextWebhook(PhoneNumberId, Customer, wamid, body, "Ana", timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private Task<Guid> ConversationIdAsync() => App.WithDbAsync(db => db.Conversations.Select(c => c.Id).SingleAsync());

    private Task<List<Message>> OutboundAsync() =>
        App.WithDbAsync(db => db.Messages.AsNoTracking().Where(m => m.Direction == MessageDirection.Outbound).OrderBy(m => m.CreatedAt).ToListAsync());

    private Task WaitForSentAsync(int count) =>
        ReplyTestApp.EventuallyAsync(async () => (await OutboundAsync()).Count(m => m.Status == MessageStatus.Sent) >= count, $"{count} outbound message(s) sent");

    private static Task<JsonElement> ConversationAsync(HttpClient admin, Guid id) => admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");

    private int ReadReceiptsFor(string wamid) => App.Graph.LogEntries.Count(e =>
        e.RequestMessage.Body!.Contains("\"status\":\"read\"", StringComparison.Ordinal) && e.RequestMessage.Body.Contains(wamid, StringComparison.Ordinal));

    /// <summary>The customer's first message, answered by the agent: a conversation inside the window.</summary>
    private async Task<Guid> AnsweredConversationAsync(HttpClient client)
    {
        App.LlmAnswers("Hello Ana!");
        await client.PostWebhookAsync(Text("wamid.IN1", "Hi"));
        await WaitForSentAsync(1);
        return await ConversationIdAsync();
    }

    [SkippableFact]
    public async Task An_operator_takes_over_by_api_and_the_agent_stays_quiet_without_a_typing_indicator()
    {
        RequireDatabase();
        var (admin, _) = await SetUpAsync();
        using var client = App.CreateClient();
        var id = await AnsweredConversationAsync(client);

        var response = await admin.PostAsJsonAsync($"/api/conversations/{id}/handoff", new { reason = "Complaint" });
        var handedOver = await HttpAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("Human", handedOver.GetProperty("mode").GetString());
        Assert.Equal("api", handedOver.GetProperty("modeChangedBy").GetString());
        Assert.Equal("Complaint", handedOver.GetProperty("modeReason").GetString());
        Assert.False(handedOver.GetProperty("waitingForHuman").GetBoolean());

        await client.PostWebhookAsync(Text("wamid.IN2", "Are you there?"));

        var waiting = await ReplyTestApp.EventuallyReadAsync(() => ConversationAsync(admin, id), c => c.GetProperty("waitingForHuman").GetBoolean(), "the conversation waits for a person");
        Assert.False(waiting.GetProperty("replyPending").GetBoolean());
        Assert.Single(App.SentTexts());
        Assert.Single(App.LlmRequests());
        Assert.Equal(0, ReadReceiptsFor("wamid.IN2"));

        // An operator opens the conversation: the customer sees it read, still with no typing indicator.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new MarkConversationSeenCommand(id));
        }

        var seen = Assert.Single(App.Graph.LogEntries, e => e.RequestMessage.Body!.Contains("\"status\":\"read\"", StringComparison.Ordinal)
            && e.RequestMessage.Body.Contains("wamid.IN2", StringComparison.Ordinal));
        Assert.DoesNotContain("typing_indicator", seen.RequestMessage.Body, StringComparison.Ordinal);
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/conversations?mode=Human");
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("/api/conversations?mode=Agent")).GetProperty("items").EnumerateArray());
    }

    [SkippableFact]
    public async Task An_operator_reply_goes_out_with_the_numbers_token_takes_over_and_is_sent_once_per_idempotency_key()
    {
        RequireDatabase();
        var (admin, _) = await SetUpAsync();
        using var client = App.CreateClient();
        var id = await AnsweredConversationAsync(client);

        using var first = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages") { Content = JsonContent.Create(new { text = "Maria here, how can I help?" }) };
        first.Headers.Add("Idempotency-Key", "op-reply-1");
        var accepted = await HttpAssert.JsonAsync(await admin.SendAsync(first), HttpStatusCode.Accepted);
        Assert.Equal("Pending", accepted.GetProperty("status").GetString());
        Assert.Equal("api", accepted.GetProperty("sentBy").GetString());
        await WaitForSentAsync(2);

        using var retry = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages") { Content = JsonContent.Create(new { text = "Maria here, how can I help?" }) };
        retry.Headers.Add("Idempotency-Key", "op-reply-1");
        var again = await HttpAssert.JsonAsync(await admin.SendAsync(retry), HttpStatusCode.Accepted);

        Assert.Equal(accepted.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        var sent = App.SentTexts();
        Assert.Equal(2, sent.Count);
        Assert.Equal("Maria here, how can I help?", sent[1].Text);
        Assert.Equal($"Bearer {Meta.AccessToken}", sent[1].Authorization);
        Assert.Equal(Customer, sent[1].To);
        var conversation = await ConversationAsync(admin, id);
        Assert.Equal("Human", conversation.GetProperty("mode").GetString());
        Assert.Equal("An operator replied.", conversation.GetProperty("modeReason").GetString());
    }

    [SkippableFact]
    public async Task An_operator_reply_is_refused_when_empty_too_long_or_outside_the_window()
    {
        RequireDatabase();
        var (admin, _) = await SetUpAsync();
        using var client = App.CreateClient();
        await client.PostWebhookAsync(Text("wamid.OLD", "Hello from last year", timestamp: 1_760_000_000));
        await ReplyTestApp.EventuallyAsync(async () => (await OutboundAsync()).Count == 1, "the closed window recorded");
        var id = await ConversationIdAsync();

        var empty = await admin.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "  " });
        var tooLong = await admin.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = new string('a', 4097) });
        var closed = await admin.PostAsJsonAsync($"/api/conversations/{id}/messages", new { text = "Hello again" });

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var problem = await HttpAssert.JsonAsync(closed, HttpStatusCode.Conflict);
        Assert.Contains("template", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Empty(App.SentTexts());
        Assert.Single(await OutboundAsync());
    }

    [SkippableFact]
    public async Task Handing_back_answers_what_waited_in_one_reply()
    {
        RequireDatabase();
        var (admin, _) = await SetUpAsync();
        using var client = App.CreateClient();
        var id = await AnsweredConversationAsync(client);
        await HttpAssert.JsonAsync(await admin.PostAsJsonAsync($"/api/conversations/{id}/handoff", new { reason = "Check" }), HttpStatusCode.OK);
        await client.PostWebhookAsync(Text("wamid.IN2", "Still there?"));
        await client.PostWebhookAsync(Text("wamid.IN3", "I need the invoice"));
        await ReplyTestApp.EventuallyAsync(async () => (await ConversationAsync(admin, id)).GetProperty("waitingForHuman").GetBoolean(), "waiting for a person");
        App.LlmAnswers("Here is your invoice, Ana.");

        var resumed = await HttpAssert.JsonAsync(await admin.PostAsync($"/api/conversations/{id}/resume", null), HttpStatusCode.OK);

        Assert.Equal("Agent", resumed.GetProperty("mode").GetString());
        await WaitForSentAsync(2);
        Assert.Equal("Here is your invoice, Ana.", App.SentTexts()[1].Text);
        var prompt = Assert.Single(App.LlmRequests()).GetProperty("messages").ToString();
        Assert.Contains("Still there?", prompt, StringComparison.Ordinal);
        Assert.Contains("I need the invoice", prompt, StringComparison.Ordinal);
        await Task.Delay(500);
        Assert.Equal(2, App.SentTexts().Count);
    }

    [SkippableFact]
    public async Task A_handoff_phrase_hands_over_before_any_model_call_and_sends_the_handoff_message()
    {
        RequireDatabase();
        var (admin, _) = await SetUpAsync(phrases: ["mitarbeiter", "human"], handoffMessage: "A colleague will answer you here shortly.");
        App.LlmAnswers("should not be asked");
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.IN1", "Ich möchte einen MITÄRBEITER sprechen"));

        await WaitForSentAsync(1);
        Assert.Equal("A colleague will answer you here shortly.", Assert.Single(App.SentTexts()).Text);
        Assert.Empty(App.LlmRequests());
        var conversation = await ConversationAsync(admin, await ConversationIdAsync());
        Assert.Equal("Human", conversation.GetProperty("mode").GetString());
        Assert.Equal("customer", conversation.GetProperty("modeChangedBy").GetString());
        Assert.True(conversation.GetProperty("waitingForHuman").GetBoolean());
    }

    [SkippableFact]
    public async Task The_model_hands_over_through_its_tool_call()
    {
        RequireDatabase();
        var (admin, _) = await SetUpAsync(handoffMessage: "A colleague will answer you here shortly.");
        App.Llm.Reset();
        App.Llm.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(ToolCallCompletion("handoff_to_human", """{"reason":"wants a refund"}""")));
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.IN1", "I want my money back, now."));

        await WaitForSentAsync(1);
        Assert.Equal("A colleague will answer you here shortly.", Assert.Single(App.SentTexts()).Text);
        var tools = Assert.Single(App.LlmRequests()).GetProperty("tools").ToString();
        Assert.Contains("handoff_to_human", tools, StringComparison.Ordinal);
        var conversation = await ConversationAsync(admin, await ConversationIdAsync());
        Assert.Equal("Human", conversation.GetProperty("mode").GetString());
        Assert.Equal("agent", conversation.GetProperty("modeChangedBy").GetString());
        Assert.Contains("wants a refund", conversation.GetProperty("modeReason").GetString()!, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_message_typed_in_the_business_app_pauses_the_agent()
    {
        RequireDatabase();
        var (admin, _) = await SetUpAsync();
        using var client = App.CreateClient();
        var id = await AnsweredConversationAsync(client);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var echo = $$$"""
            {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "smb_message_echoes", "value":
              {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "16505553333", "phone_number_id": "{{{PhoneNumberId}}}"},
               "message_echoes": [{"from": "16505553333", "to": "{{{Customer}}}", "id": "wamid.echo.1", "timestamp": "{{{now}}}", "type": "text", "text": {"body": "I'll take this one."}}]}}]}]}
            """;

        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(echo)).StatusCode);
        await client.PostWebhookAsync(Text("wamid.IN2", "Thanks!"));

        var conversation = await ReplyTestApp.EventuallyReadAsync(() => ConversationAsync(admin, id), c => c.GetProperty("waitingForHuman").GetBoolean(), "waiting for a person");
        Assert.Equal("Human", conversation.GetProperty("mode").GetString());
        Assert.Equal("business-app", conversation.GetProperty("modeChangedBy").GetString());
        Assert.Single(App.SentTexts());
        Assert.Single(App.LlmRequests());
    }

    public static string ToolCallCompletion(string name, string arguments) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-2",
        @object = "chat.completion",
        created = 1_764_000_000,
        model = "test-model",
        choices = new[]
        {
            new
            {
                index = 0,
                message = new { role = "assistant", content = (string?)null, tool_calls = new[] { new { id = "call_1", type = "function", function = new { name, arguments } } } },
                finish_reason = "tool_calls",
            },
        },
        usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
    });
}

public sealed class HandoffOnSqlite(SqliteReplyApp app) : HandoffTests<SqliteReplyApp>(app), IClassFixture<SqliteReplyApp>;

public sealed class HandoffOnPostgres(PostgresReplyApp app) : HandoffTests<PostgresReplyApp>(app), IClassFixture<PostgresReplyApp>;
