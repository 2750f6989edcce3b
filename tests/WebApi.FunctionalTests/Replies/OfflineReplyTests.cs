using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CleanAgent.WebApi.FunctionalTests.Support;

namespace CleanAgent.WebApi.FunctionalTests.Replies;

/// <summary>What a newcomer sees with no LLM configured: answers from the agent's FAQ.</summary>
public sealed class OfflineReplyTests(SqliteOfflineReplyApp app) : DatabaseTest<SqliteOfflineReplyApp>(app), IClassFixture<SqliteOfflineReplyApp>
{
    private const string PhoneNumberId = "106540352242922";

    [SkippableFact]
    public async Task Offline_agent_answers_a_paraphrased_question_from_the_uploaded_faq()
    {
        RequireDatabase();
        App.GraphAcceptsEverything();
        using var admin = App.CreateAdminClient();
        var agentId = await App.AddAgentAsync(admin, fallbackReply: "Sorry, I will ask a colleague and get back to you.");
        await admin.AddNumberAsync(PhoneNumberId, agentId: agentId);
        using var form = new MultipartFormDataContent();
        var csv = new ByteArrayContent(Encoding.UTF8.GetBytes(
            "question,answer\n" +
            "What are your opening hours?,We are open every day from 12:00 to 23:00.\n" +
            "Do you deliver?,We deliver within 5 km for free.\n" +
            "Can I pay by card?,Yes: Visa and Mastercard are accepted.\n"));
        csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(csv, "file", "faq.csv");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync($"/api/agents/{agentId}/knowledge", form)).StatusCode);
        using var client = App.CreateClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await client.PostWebhookAsync(Meta.TextWebhook(PhoneNumberId, "16315551181", "wamid.Q1", "hi, when are you open today?", timestamp: now));
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.SentTexts().Count == 1), "the first answer");
        await client.PostWebhookAsync(Meta.TextWebhook(PhoneNumberId, "16315551182", "wamid.Q2", "what is the capital of Mongolia?", timestamp: now));
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.SentTexts().Count == 2), "the second answer");

        var sent = App.SentTexts();
        var hours = sent.Single(s => s.To == "16315551181").Text;
        Assert.True(hours.Contains("every day from 12:00 to 23:00", StringComparison.Ordinal), hours);
        Assert.Equal("Sorry, I will ask a colleague and get back to you.", sent.Single(s => s.To == "16315551182").Text);
        Assert.Empty(App.Llm.LogEntries);
    }
}
