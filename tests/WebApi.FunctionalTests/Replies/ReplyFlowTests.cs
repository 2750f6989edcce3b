using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CleanAgent.Application.Replies.ReplyToConversation;
using CleanAgent.Domain.Conversations;
using Mediator;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CleanAgent.WebApi.FunctionalTests.Replies;

/// <summary>A signed message in, the agent's answer out: through the real webhook, Hangfire job, LLM client and Graph client.</summary>
public abstract class ReplyFlowTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : ReplyTestApp
{
    private const string PhoneNumberId = "106540352242922";
    private const string Customer = "16315551181";

    private async Task<(HttpClient Admin, Guid AgentId, Guid NumberId)> SetUpAsync(bool linkAgent = true)
    {
        App.GraphAcceptsEverything();
        var admin = App.CreateAdminClient();
        var agentId = await App.AddAgentAsync(admin);
        var numberId = await admin.AddNumberAsync(PhoneNumberId, agentId: linkAgent ? agentId : null);
        return (admin, agentId, numberId);
    }

    /// <summary>A customer's text as Meta sends it, stamped now (older messages fall outside the 24-hour window).</summary>
    private static string Text(string wamid, string body, string name = "Ana", int offsetSeconds = 0) =>
        Meta.TextWebhook(PhoneNumberId, Customer, wamid, body, name, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds);

    /// <summary>Meta answers every text send with <paramref name="status"/> and <paramref name="body"/> (read receipts still succeed).</summary>
    private void GraphRefusesTexts(int status, string body) =>
        App.Graph.Given(Request.Create().WithPath("/*").UsingPost().WithBody(b => b != null && b.Contains("\"text\":{", StringComparison.Ordinal)))
            .AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    private Task<List<Message>> OutboundAsync() =>
        App.WithDbAsync(db => db.Messages.AsNoTracking().Where(m => m.Direction == MessageDirection.Outbound).OrderBy(m => m.CreatedAt).ToListAsync());

    private Task WaitForSentAsync(int count) =>
        ReplyTestApp.EventuallyAsync(async () => (await OutboundAsync()).Count(m => m.Status != MessageStatus.Pending) >= count, $"{count} outbound message(s) settled");

    [SkippableFact]
    public async Task Customer_message_gets_the_agents_answer_on_the_numbers_own_route_token_and_version()
    {
        RequireDatabase();
        var (admin, _, numberId) = await SetUpAsync();
        App.LlmAnswers("We open at 12:00, Ana!");
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(Text("wamid.IN1", "When do you open?", name: "Ana"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitForSentAsync(1);
        var sent = Assert.Single(App.SentTexts());
        Assert.Equal($"/v24.0/{PhoneNumberId}/messages", sent.Path);
        Assert.Equal($"Bearer {Meta.AccessToken}", sent.Authorization);
        Assert.Equal(Customer, sent.To);
        Assert.Equal("We open at 12:00, Ana!", sent.Text);
        Assert.Equal("whatsapp", sent.Body.GetProperty("messaging_product").GetString());

        var llm = Assert.Single(App.LlmRequests());
        Assert.Equal("agent-model", llm.GetProperty("model").GetString());
        var prompt = llm.GetProperty("messages").ToString();
        Assert.Contains("You are Bella, the assistant of Pizzeria Roma.", prompt, StringComparison.Ordinal);
        Assert.Contains("When do you open?", prompt, StringComparison.Ordinal);

        var markedRead = App.Graph.LogEntries.Count(e => e.RequestMessage.Body!.Contains("\"status\":\"read\"", StringComparison.Ordinal)
            && e.RequestMessage.Body.Contains("wamid.IN1", StringComparison.Ordinal) && e.RequestMessage.Body.Contains("typing_indicator", StringComparison.Ordinal));
        Assert.Equal(1, markedRead);

        var conversation = (await admin.GetFromJsonAsync<JsonElement>($"/api/conversations?whatsAppNumberId={numberId}")).GetProperty("items")[0];
        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation.GetProperty("id").GetGuid()}/messages");
        var outbound = history.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("direction").GetString() == "Outbound");
        Assert.Equal("Sent", outbound.GetProperty("status").GetString());
        Assert.StartsWith("wamid.OUT", outbound.GetProperty("whatsAppMessageId").GetString(), StringComparison.Ordinal);
        Assert.Equal("We open at 12:00, Ana!", outbound.GetProperty("text").GetString());
        await ReplyTestApp.EventuallyAsync(
            async () => !(await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync())).ReplyPending, "the conversation no longer owes a reply");
    }

    [SkippableFact]
    public async Task Number_without_agent_is_answered_by_the_default_agent_and_without_any_agent_not_at_all()
    {
        RequireDatabase();
        var (admin, agentId, _) = await SetUpAsync(linkAgent: false);
        App.LlmAnswers("Default agent here.");
        using var client = App.CreateClient();

        // No agent linked and no default: nothing is sent, and the conversation says why.
        await client.PostWebhookAsync(Text("wamid.NOAGENT", "Hello?"));
        await ReplyTestApp.EventuallyAsync(
            async () => (await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync())).LastReplyError is not null, "the reason is recorded");
        Assert.Empty(App.SentTexts());
        Assert.Contains("DefaultAgentId", (await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync())).LastReplyError, StringComparison.Ordinal);

        App.Services.GetRequiredService<IConfiguration>()["WhatsApp:DefaultAgentId"] = agentId.ToString();
        await client.PostWebhookAsync(Text("wamid.DEFAULT", "Hello again?"));
        await WaitForSentAsync(1);

        Assert.Equal("Default agent here.", Assert.Single(App.SentTexts()).Text);
        Assert.Contains("You are Bella", Assert.Single(App.LlmRequests()).GetProperty("messages").ToString(), StringComparison.Ordinal);
        admin.Dispose();
    }

    [SkippableFact]
    public async Task Prompt_carries_the_history_and_the_best_matching_knowledge()
    {
        RequireDatabase();
        var (admin, agentId, _) = await SetUpAsync();
        using var form = new MultipartFormDataContent();
        var csv = new ByteArrayContent(Encoding.UTF8.GetBytes("question,answer\nDo you deliver?,We deliver within 5 km for free.\nWhen are you open?,Every day from 12:00 to 23:00.\nCan I pay by card?,Yes: Visa and Mastercard.\n"));
        csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(csv, "file", "faq.csv");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync($"/api/agents/{agentId}/knowledge", form)).StatusCode);
        App.LlmAnswers("First answer.");
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.H1", "Hi, I am Ana"));
        await WaitForSentAsync(1);
        App.LlmAnswers("Yes, we deliver.");
        await client.PostWebhookAsync(Text("wamid.H2", "do you deliver to my street?", offsetSeconds: 100));
        await WaitForSentAsync(2);

        var second = App.LlmRequests()[^1].GetProperty("messages").EnumerateArray().ToList();
        var system = second[0].GetProperty("content").ToString();
        Assert.Contains("We deliver within 5 km for free.", system, StringComparison.Ordinal);
        Assert.DoesNotContain("Visa and Mastercard", system, StringComparison.Ordinal);
        var turns = second.Skip(1).Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").ToString())).ToList();
        Assert.Contains(turns, t => t.Item1 == "user" && t.Item2.Contains("Hi, I am Ana", StringComparison.Ordinal));
        Assert.Contains(turns, t => t.Item1 == "assistant" && t.Item2.Contains("First answer.", StringComparison.Ordinal));
        Assert.Contains("do you deliver to my street?", turns[^1].Item2, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Long_answer_is_split_and_sent_in_order()
    {
        RequireDatabase();
        await SetUpAsync();
        var paragraphs = Enumerable.Range(1, 12).Select(i => $"Paragraph {i}: " + new string((char)('a' + i), 900) + ".").ToList();
        var answer = string.Join("\n\n", paragraphs);
        App.LlmAnswers(answer);
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.LONG", "Tell me everything"));
        await WaitForSentAsync(3);

        var sent = App.SentTexts().Select(s => s.Text).ToList();
        Assert.True(sent.Count >= 3, $"{sent.Count} parts");
        Assert.All(sent, part => Assert.True(part.Length <= 4096, $"a part of {part.Length} characters"));
        Assert.Equal(answer.Replace("\n\n", string.Empty, StringComparison.Ordinal), string.Concat(sent).Replace("\n\n", string.Empty, StringComparison.Ordinal));
        Assert.All(sent, part => Assert.StartsWith("Paragraph", part, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Transient_graph_error_is_retried_to_exactly_one_send_without_asking_the_model_again()
    {
        RequireDatabase();
        await SetUpAsync();
        App.LlmAnswers("Here you go.");
        App.Graph.Given(Request.Create().WithPath("/*").UsingPost().WithBody(b => b != null && b.Contains("\"text\":{", StringComparison.Ordinal)))
            .InScenario("flaky").WillSetStateTo("recovered").AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"message":"An unknown error occurred","type":"OAuthException","code":131000,"fbtrace_id":"A1"}}"""));
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.FLAKY", "Hello"));
        await WaitForSentAsync(1);

        var attempts = App.SentTexts();
        Assert.Equal([500, 200], attempts.Select(a => a.Status));
        Assert.All(attempts, a => Assert.Equal("Here you go.", a.Text));
        Assert.Single(App.LlmRequests());
        var outbound = Assert.Single(await OutboundAsync());
        Assert.Equal(MessageStatus.Sent, outbound.Status);
    }

    [SkippableFact]
    public async Task Permanent_graph_error_is_tried_once_and_recorded_with_metas_code()
    {
        RequireDatabase();
        await SetUpAsync();
        App.LlmAnswers("Here you go.");
        GraphRefusesTexts(400, """{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"fbtrace_id":"A2"}}""");
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.PERM", "Hello"));
        await WaitForSentAsync(1);
        await Task.Delay(TimeSpan.FromSeconds(7)); // past the first retry delay: nothing more may be sent

        Assert.Single(App.SentTexts());
        var outbound = Assert.Single(await OutboundAsync());
        Assert.Equal(MessageStatus.Failed, outbound.Status);
        Assert.Equal("131047", outbound.ErrorCode);
        var conversation = await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync());
        Assert.False(conversation.ReplyPending);
        Assert.Contains("131047", conversation.LastReplyError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_backlog_on_one_number_does_not_delay_another_numbers_answer()
    {
        RequireDatabase();
        var (admin, agentId, _) = await SetUpAsync();
        const string busy = "106540352240001";
        await admin.AddNumberAsync(busy, agentId: agentId, maxSendsPerSecond: 2);
        App.LlmAnswers("Thanks for writing!");
        using var client = App.CreateClient();

        // Forty customers write to the busy number, which Meta lets send 2 messages a second: 20 s of backlog.
        const int backlog = 40;
        await Task.WhenAll(Enumerable.Range(0, backlog).Select(i =>
            client.PostWebhookAsync(Meta.TextWebhook(busy, $"4915100000{i:000}", $"wamid.BUSY{i}", "Hi", "Busy", DateTimeOffset.UtcNow.ToUnixTimeSeconds()))));
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count(s => s.Path.Contains(busy, StringComparison.Ordinal)) >= 1, "the backlog started");

        await client.PostWebhookAsync(Text("wamid.QUIET", "Is anyone there?"));
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Any(s => s.Path.Contains(PhoneNumberId, StringComparison.Ordinal)), "the quiet number's answer");

        var busySent = App.SentTexts().Count(s => s.Path.Contains(busy, StringComparison.Ordinal));
        Assert.True(busySent < backlog / 2, $"the quiet number waited for {busySent} of the busy number's {backlog} sends");
        await ReplyTestApp.EventuallyAsync(
            async () => App.SentTexts().Count(s => s.Path.Contains(busy, StringComparison.Ordinal)) == backlog, "the whole backlog answered", seconds: 120);
    }

    [SkippableFact]
    public async Task A_refused_answer_can_be_sent_again_or_discarded_through_the_api()
    {
        RequireDatabase();
        var (admin, _, _) = await SetUpAsync();
        App.LlmAnswers("Here you go.");
        GraphRefusesTexts(400, """{"error":{"message":"(#131026) Message undeliverable","type":"OAuthException","code":131026,"fbtrace_id":"A3"}}""");
        using var client = App.CreateClient();
        await client.PostWebhookAsync(Text("wamid.REFUSED", "Hello"));
        await WaitForSentAsync(1);
        var conversationId = (await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync())).Id;
        var refused = Assert.Single(await OutboundAsync());
        Assert.Equal(MessageStatus.Failed, refused.Status);

        // Meta takes messages again: the operator sends the refused answer once more, without asking the model again.
        App.GraphAcceptsEverything();
        var retried = await admin.PostAsync($"/api/conversations/{conversationId}/messages/{refused.Id}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal("Pending", (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await ReplyTestApp.EventuallyAsync(async () => (await OutboundAsync()).Single().Status == MessageStatus.Sent, "the retried answer sent");
        Assert.Equal("Here you go.", Assert.Single(App.SentTexts()).Text);
        Assert.Single(App.LlmRequests());

        // A sent message can be neither sent again nor discarded; an unknown one is 404.
        var again = await admin.PostAsync($"/api/conversations/{conversationId}/messages/{refused.Id}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("Meta accepted", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/conversations/{conversationId}/messages/{refused.Id}/discard", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/conversations/{conversationId}/messages/{Guid.NewGuid()}/discard", null)).StatusCode);

        // A failed record (the closed window) has nothing to send again, but it can be discarded.
        var record = await App.WithDbAsync(async db =>
        {
            var conversation = await db.Conversations.SingleAsync();
            var message = Message.OutboundText(conversation, string.Empty, null, DateTime.UtcNow);
            message.MarkFailed("window_closed", "More than 24 hours had passed", DateTime.UtcNow);
            db.Messages.Add(message);
            await db.SaveChangesAsync();
            return message.Id;
        });
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/conversations/{conversationId}/messages/{record}/retry", null)).StatusCode);
        var discarded = await admin.PostAsync($"/api/conversations/{conversationId}/messages/{record}/discard", null);
        Assert.Equal(HttpStatusCode.OK, discarded.StatusCode);
        Assert.Equal("Discarded", (await discarded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [SkippableFact]
    public async Task An_expired_token_is_logged_once_as_an_operator_action()
    {
        RequireDatabase();
        await SetUpAsync();
        App.LlmAnswers("Here you go.");
        GraphRefusesTexts(401, FakeHttpServer.Fixture("graph_error_190_graph_docs.json"));
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.TOKEN", "Hello"));
        await WaitForSentAsync(1);
        await ReplyTestApp.EventuallyAsync(
            async () => !(await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync())).ReplyPending, "the reply given up");

        var errors = App.Logs.GetSnapshot().Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Error).ToList();
        var operatorAction = Assert.Single(errors);
        Assert.Contains("Operator action needed", operatorAction.Message, StringComparison.Ordinal);
        Assert.Contains(PhoneNumberId, operatorAction.Message, StringComparison.Ordinal);
        Assert.Equal("190", Assert.Single(await OutboundAsync()).ErrorCode);

        // The failure shows in the Hangfire dashboard, with Meta's reason (SQLite's in-memory Hangfire keeps other tests' jobs).
        var conversationId = (await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync())).Id;
        var monitor = App.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        bool Ours(KeyValuePair<string, Hangfire.Storage.Monitoring.FailedJobDto> j) => (Guid)j.Value.Job.Args[0] == conversationId;
        await ReplyTestApp.EventuallyAsync(async () => monitor.FailedJobs(0, 1000).Any(Ours), "the failure shown in Hangfire");
        var job = Assert.Single(monitor.FailedJobs(0, 1000), Ours).Value;
        Assert.Contains("190", job.ExceptionMessage, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_reply_meta_could_not_take_is_retried_by_hangfire_at_the_conversations_retry_time()
    {
        RequireDatabase();
        await SetUpAsync();
        App.LlmAnswers("Here you go.");
        GraphRefusesTexts(503, "{}");
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.LATER", "Hello"));
        var conversation = await ReplyTestApp.EventuallyReadAsync(
            () => App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync()), c => c.ReplyRetryAt is not null, "the retry clock set");

        // One clock: the Hangfire job waits for exactly the conversation's retry time, with the reason.
        var monitor = App.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
        bool Ours(KeyValuePair<string, Hangfire.Storage.Monitoring.ScheduledJobDto> j) => (Guid)j.Value.Job.Args[0] == conversation.Id;
        await ReplyTestApp.EventuallyAsync(async () => monitor.ScheduledJobs(0, 1000).Any(Ours), "the retry scheduled in Hangfire");
        var scheduled = Assert.Single(monitor.ScheduledJobs(0, 1000), Ours).Value;
        Assert.InRange((scheduled.EnqueueAt - conversation.ReplyRetryAt!.Value).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1));

        App.GraphAcceptsEverything();
        await WaitForSentAsync(1);
        Assert.Equal(MessageStatus.Sent, Assert.Single(await OutboundAsync()).Status);
        Assert.Single(App.LlmRequests());
    }

    [SkippableFact]
    public async Task Jobs_racing_for_one_conversation_answer_it_once()
    {
        RequireDatabase();
        var (_, _, numberId) = await SetUpAsync();
        App.LlmAnswers("Answered by one job.");
        // A conversation that owes a reply and has no job yet, as after a restart: the racers below are the only jobs.
        var conversationId = await App.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            var conversation = Conversation.Start(numberId, Customer, null, now);
            var message = Message.Inbound(conversation, "wamid.RACE", new InboundContent { Type = "text", Text = "Anyone there?", RawJson = "{}" }, now, now);
            conversation.RecordInbound(message, "Ana", null, answering: true, now);
            db.Conversations.Add(conversation);
            db.Messages.Add(message);
            await db.SaveChangesAsync();
            return conversation.Id;
        });

        // Every racer reads the conversation free; all but one lose the save and must see the winner's lease.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var scope = App.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ReplyToConversationCommand(conversationId));
        }));

        await WaitForSentAsync(1);
        Assert.Single(App.LlmRequests());
        Assert.Equal("Answered by one job.", Assert.Single(App.SentTexts()).Text);
        var stored = await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversationId));
        Assert.False(stored.ReplyPending);
        Assert.Equal(1, stored.OutboundCount);
    }

    [SkippableFact]
    public async Task A_model_taking_seconds_is_not_reported_as_a_slow_request()
    {
        RequireDatabase();
        await SetUpAsync();
        App.LlmAnswers("Thought about it.", delay: TimeSpan.FromMilliseconds(800));
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.SLOW", "Take your time"));
        await WaitForSentAsync(1);

        Assert.Equal("Thought about it.", Assert.Single(App.SentTexts()).Text);
        string[] replySteps = ["ReplyToConversationCommand", "ClaimConversationCommand", "DecideReplyCommand", "GenerateReplyCommand", "DeliverOutboxCommand"];
        Assert.DoesNotContain(App.Logs.GetSnapshot(), r => r.Message.Contains(" took ", StringComparison.Ordinal) && replySteps.Any(s => r.Message.Contains(s, StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task Redelivered_message_gets_no_second_reply()
    {
        RequireDatabase();
        await SetUpAsync();
        App.LlmAnswers("Only once.");
        using var client = App.CreateClient();
        var webhook = Text("wamid.ONCE", "Hello");

        await client.PostWebhookAsync(webhook);
        await WaitForSentAsync(1);
        await client.PostWebhookAsync(webhook);
        await client.PostWebhookAsync(webhook);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Single(App.SentTexts());
        Assert.Single(App.LlmRequests());
    }

    [SkippableFact]
    public async Task Burst_of_messages_gets_one_answer()
    {
        RequireDatabase();
        await SetUpAsync();
        App.LlmAnswers("One answer for all three.");
        using var client = App.CreateClient();
        // A generous window, so that three posts in a row are a burst even on a loaded machine.
        var configuration = App.Services.GetRequiredService<IConfiguration>();
        configuration["WhatsApp:BurstWindowMilliseconds"] = "4000";
        configuration["WhatsApp:MaxBurstWaitMilliseconds"] = "12000";
        try
        {

            await client.PostWebhookAsync(Text("wamid.B1", "Hi", offsetSeconds: 1));
            await client.PostWebhookAsync(Text("wamid.B2", "I ordered a pizza", offsetSeconds: 2));
            await client.PostWebhookAsync(Text("wamid.B3", "where is it?", offsetSeconds: 3));
            await WaitForSentAsync(1);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            configuration["WhatsApp:BurstWindowMilliseconds"] = "700";
            configuration["WhatsApp:MaxBurstWaitMilliseconds"] = "6000";
        }

        Assert.Single(App.SentTexts());
        var llm = Assert.Single(App.LlmRequests()).GetProperty("messages").ToString();
        Assert.Contains("Hi", llm, StringComparison.Ordinal);
        Assert.Contains("I ordered a pizza", llm, StringComparison.Ordinal);
        Assert.Contains("where is it?", llm, StringComparison.Ordinal);
        var inbound = await App.WithDbAsync(db => db.Messages.AsNoTracking().Where(m => m.Direction == MessageDirection.Inbound).ToListAsync());
        Assert.All(inbound, m => Assert.NotNull(m.AnsweredAt));
    }

    [SkippableFact]
    public async Task Message_arriving_while_the_model_writes_gets_the_next_answer()
    {
        RequireDatabase();
        await SetUpAsync();
        App.LlmAnswers("An answer.", delay: TimeSpan.FromSeconds(2));
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.W1", "first question"));
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.Llm.LogEntries.Any()), "the model is asked");
        await client.PostWebhookAsync(Text("wamid.W2", "second question", offsetSeconds: 1));
        await WaitForSentAsync(2);

        var asked = App.LlmRequests();
        Assert.Equal(2, asked.Count);
        Assert.DoesNotContain("second question", asked[0].GetProperty("messages").ToString(), StringComparison.Ordinal);
        var lastTurn = asked[1].GetProperty("messages").EnumerateArray().Last().GetProperty("content").ToString();
        Assert.Contains("second question", lastTurn, StringComparison.Ordinal);
        Assert.Equal(2, App.SentTexts().Count);
    }

    [SkippableFact]
    public async Task Reaction_alone_gets_no_reply_and_an_image_reads_as_a_note()
    {
        RequireDatabase();
        await SetUpAsync();
        App.LlmAnswers("Nice photo!");
        using var client = App.CreateClient();
        var reaction = Text("wamid.R1", "x")
            .Replace("\"type\":\"text\",\"text\":{\"body\":\"x\"}", "\"type\":\"reaction\",\"reaction\":{\"message_id\":\"wamid.OUT0\",\"emoji\":\"\\uD83D\\uDC4D\"}", StringComparison.Ordinal);
        var image = Text("wamid.I1", "x", offsetSeconds: 50)
            .Replace("\"type\":\"text\",\"text\":{\"body\":\"x\"}", "\"type\":\"image\",\"image\":{\"id\":\"1479537139650973\",\"mime_type\":\"image/jpeg\",\"sha256\":\"abc\",\"caption\":\"my broken pizza\"}", StringComparison.Ordinal);
        Assert.Contains("reaction", reaction, StringComparison.Ordinal);

        await client.PostWebhookAsync(reaction);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(App.SentTexts());
        await client.PostWebhookAsync(image);
        await WaitForSentAsync(1);

        var llm = Assert.Single(App.LlmRequests()).GetProperty("messages").ToString();
        Assert.Contains("[image: my broken pizza]", llm, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Message_older_than_the_service_window_is_recorded_failed_and_nothing_is_sent()
    {
        RequireDatabase();
        await SetUpAsync();
        App.LlmAnswers("Too late.");
        using var client = App.CreateClient();
        var twoDaysAgo = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeSeconds();

        await client.PostWebhookAsync(Meta.TextWebhook(PhoneNumberId, Customer, "wamid.OLD", "Hello from the past", timestamp: twoDaysAgo));
        await WaitForSentAsync(1);

        Assert.Empty(App.SentTexts());
        Assert.Empty(App.LlmRequests());
        var failed = Assert.Single(await OutboundAsync());
        Assert.Equal(MessageStatus.Failed, failed.Status);
        Assert.Equal("window_closed", failed.ErrorCode);
    }

    [SkippableFact]
    public async Task Model_failure_is_retried_and_the_customer_still_gets_one_answer()
    {
        RequireDatabase();
        await SetUpAsync();
        App.Llm.Reset();
        App.Llm.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).InScenario("llm").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("""{"error":{"message":"overloaded"}}"""));
        App.Llm.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).InScenario("llm").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(ReplyTestApp.Completion("Back online.")));
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Text("wamid.LLMDOWN", "Hello"));
        await WaitForSentAsync(1);

        Assert.Equal("Back online.", Assert.Single(App.SentTexts()).Text);
        Assert.Equal(2, App.LlmRequests().Count);
    }
}

public sealed class ReplyFlowOnSqlite(SqliteReplyApp app) : ReplyFlowTests<SqliteReplyApp>(app), IClassFixture<SqliteReplyApp>;

public sealed class ReplyFlowOnPostgres(PostgresReplyApp app) : ReplyFlowTests<PostgresReplyApp>(app), IClassFixture<PostgresReplyApp>;
