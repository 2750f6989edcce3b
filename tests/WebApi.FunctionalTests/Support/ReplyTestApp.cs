using System.Net.Http.Json;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>The app with Meta's Graph API and an OpenAI-compatible LLM faked at the HTTP edge (WireMock on 127.0.0.1).</summary>
public class ReplyTestApp : TestApp
{
    protected internal ReplyTestApp(TestDatabase database, string aiProvider = "OpenAI")
        : base(database)
    {
        Settings["Meta:GraphApiBaseUrl"] = Graph.Url;
        Settings["Ai:Provider"] = aiProvider;
        Settings["Ai:Endpoint"] = Llm.Url;
        Settings["Ai:ApiKey"] = "fake-test-llm-key";
        Settings["Ai:Model"] = "test-model";
        // Long enough that the few requests a test posts in a row count as one burst, even on a busy machine.
        Settings["WhatsApp:BurstWindowMilliseconds"] = "700";
    }

    public WireMockServer Graph { get; } = FakeHttpServer.Start();

    public WireMockServer Llm { get; } = FakeHttpServer.Start();

    private int _wamids;

    /// <summary>Meta accepts every message and gives each a new wamid; marking read answers success.</summary>
    public void GraphAcceptsEverything()
    {
        Graph.Reset();
        Graph.Given(Request.Create().WithPath("/*").UsingPost().WithBody(b => b != null && b.Contains("\"status\":\"read\"", StringComparison.Ordinal)))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"success":true}"""));
        Graph.Given(Request.Create().WithPath("/*").UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new WireMock.Util.BodyData
                {
                    DetectedBodyType = WireMock.Types.BodyType.String,
                    BodyAsString = $$"""{"messaging_product":"whatsapp","contacts":[{"input":"x","wa_id":"x"}],"messages":[{"id":"wamid.OUT{{Interlocked.Increment(ref _wamids)}}"}]}""",
                },
            }));
    }

    /// <summary>The LLM answers every request with <paramref name="answer"/>.</summary>
    public void LlmAnswers(string answer, TimeSpan? delay = null)
    {
        Llm.Reset();
        var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Completion(answer));
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }

        Llm.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(response);
    }

    public static string Completion(string answer) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1",
        @object = "chat.completion",
        created = 1_764_000_000,
        model = "test-model",
        choices = new[] { new { index = 0, message = new { role = "assistant", content = answer }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
    });

    /// <summary>The text messages sent to Meta (not the mark-read calls), in the order they arrived.</summary>
    public IReadOnlyList<SentMessage> SentTexts() => Graph.LogEntries
        .Where(e => e.RequestMessage.Body is { } b && b.Contains("\"text\":{", StringComparison.Ordinal) && !b.Contains("\"status\":\"read\"", StringComparison.Ordinal))
        .OrderBy(e => e.RequestMessage.DateTime)
        .Select(e => new SentMessage(e.RequestMessage.Path, e.RequestMessage.Headers!["Authorization"].Single(), JsonDocument.Parse(e.RequestMessage.Body!).RootElement.Clone(),
            e.ResponseMessage.StatusCode is int code ? code : 0))
        .ToList();

    public IReadOnlyList<JsonElement> LlmRequests() => Llm.LogEntries
        .OrderBy(e => e.RequestMessage.DateTime)
        .Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.Clone())
        .ToList();

    /// <summary>Waits (bounded, generous for a slow machine) until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {seconds} s waiting for: {what}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits (bounded) until <paramref name="read"/> gives a value that <paramref name="holds"/>, and returns it.</summary>
    public static async Task<T> EventuallyReadAsync<T>(Func<Task<T>> read, Func<T, bool> holds, string what, int seconds = 60)
    {
        var value = await read();
        await EventuallyAsync(async () => holds(value = await read()), what, seconds);
        return value;
    }

    /// <summary>Creates an agent through the admin API.</summary>
    public async Task<Guid> AddAgentAsync(HttpClient admin, string prompt = "You are Bella, the assistant of Pizzeria Roma.", string? fallbackReply = null)
    {
        var response = await admin.PostAsJsonAsync("/api/agents", new { name = "Bella", prompt, llmModel = "agent-model", fallbackReply });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Graph.Stop();
        Llm.Stop();
        GC.SuppressFinalize(this);
    }
}

public sealed record SentMessage(string Path, string Authorization, JsonElement Body, int Status)
{
    public string Text => Body.GetProperty("text").GetProperty("body").GetString()!;

    public string To => Body.GetProperty("to").GetString()!;
}

public sealed class SqliteReplyApp() : ReplyTestApp(TestDatabase.Sqlite);

public sealed class PostgresReplyApp() : ReplyTestApp(TestDatabase.PostgreSql);

public sealed class SqliteOfflineReplyApp() : ReplyTestApp(TestDatabase.Sqlite, "Offline");
