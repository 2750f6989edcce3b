using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CleanAgent.Application.Replies;
using CleanAgent.Infrastructure.Jobs;
using CleanAgent.WebApi.FunctionalTests.Support;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.Server;

namespace CleanAgent.WebApi.FunctionalTests.Knowledge;

/// <summary>The app with semantic retrieval on (<c>Ai:EmbeddingModel</c>) against a fake <c>/v1/embeddings</c>, and the offline responder.</summary>
public class EmbeddingsTestApp : TestApp
{
    public const string Model = "test-embedding";

    protected internal EmbeddingsTestApp(TestDatabase database)
        : base(database)
    {
        Settings["Ai:Provider"] = "Offline";
        Settings["Ai:Endpoint"] = Embeddings.Url;
        Settings["Ai:ApiKey"] = "fake-test-embeddings";
        Settings["Ai:EmbeddingModel"] = Model;

        // The re-embedding job runs only when a test starts it, two chunks a run (a file of three takes two runs).
        Settings["Knowledge:EmbeddingJobCron"] = Hangfire.Cron.Never();
        Settings["Knowledge:EmbeddingChunksPerRun"] = "2";
        FakeEmbeddings.Serve(Embeddings);
    }

    public WireMockServer Embeddings { get; } = FakeHttpServer.Start();

    public override async ValueTask DisposeAsync()
    {
        Embeddings.Stop();
        Embeddings.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteEmbeddingsApp() : EmbeddingsTestApp(TestDatabase.Sqlite);

public sealed class PostgresEmbeddingsApp() : EmbeddingsTestApp(TestDatabase.PostgreSql);

public abstract class KnowledgeEmbeddingsTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : EmbeddingsTestApp
{
    private const string FaqCsv =
        "question,answer\n" +
        "What are your opening hours?,\"We are open Monday to Saturday, 9am to 7pm.\"\n" +
        "How much does shipping cost?,Shipping costs 5 EUR.\n" +
        "Can I return a product?,\"Yes, within 30 days.\"\n";

    private const string ReturnRow = "question: Can I return a product?\nanswer: Yes, within 30 days.";

    /// <summary>Shares no word with the return row: lexical search alone cannot find it.</summary>
    private const string Paraphrase = "is it possible to get my money back?";

    [SkippableFact]
    public async Task Paraphrase_that_shares_no_word_with_the_faq_is_found_through_the_vectors()
    {
        RequireDatabase();
        App.Embeddings.Reset();
        FakeEmbeddings.Serve(App.Embeddings);
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);

        var upload = await client.PostAsync($"/api/agents/{agentId}/knowledge", File(FaqCsv));

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var batch = Assert.Single(App.Embeddings.LogEntries).RequestMessage;
        Assert.Equal("Bearer fake-test-embeddings", batch.Headers!["Authorization"].Single());
        using (var body = JsonDocument.Parse(batch.Body!))
        {
            Assert.Equal(EmbeddingsTestApp.Model, body.RootElement.GetProperty("model").GetString());
            Assert.Equal(3, body.RootElement.GetProperty("input").GetArrayLength());
        }

        var matches = await SearchAsync(agentId, Paraphrase);

        Assert.Equal(ReturnRow, matches[0].Text);
        Assert.InRange(matches[0].Score, 0.5, 1);
        Assert.Equal("Yes, within 30 days.", await AskAsync(agentId, Paraphrase));
        Assert.Equal(3, App.Embeddings.LogEntries.Count()); // the upload's one batch, then one per question
        Assert.Equal("question: How much does shipping cost?\nanswer: Shipping costs 5 EUR.", (await SearchAsync(agentId, "how much is shipping?"))[0].Text);
    }

    [SkippableFact]
    public async Task Failing_endpoint_stores_the_upload_without_vectors_and_answers_by_words()
    {
        RequireDatabase();
        App.Embeddings.Reset();
        FakeEmbeddings.Fail(App.Embeddings);
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);

        var upload = await client.PostAsync($"/api/agents/{agentId}/knowledge", File(FaqCsv));

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var document = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, document.GetProperty("chunkCount").GetInt32());
        Assert.Contains(App.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("embeddings endpoint failed", StringComparison.Ordinal));

        // Stored without vectors: found by its words, and not by meaning once the endpoint is back, until the
        // background job has embedded it (next test) or it is uploaded again.
        App.Embeddings.Reset();
        FakeEmbeddings.Serve(App.Embeddings);
        Assert.Equal("question: How much does shipping cost?\nanswer: Shipping costs 5 EUR.", (await SearchAsync(agentId, "how much is shipping?"))[0].Text);
        Assert.DoesNotContain(await SearchAsync(agentId, Paraphrase), m => m.Text == ReturnRow);
        Assert.Empty(App.Embeddings.LogEntries);

        // Uploaded again while the endpoint works, the file gets its vectors.
        (await client.DeleteAsync($"/api/agents/{agentId}/knowledge/{document.GetProperty("id").GetGuid()}")).EnsureSuccessStatusCode();
        (await client.PostAsync($"/api/agents/{agentId}/knowledge", File(FaqCsv))).EnsureSuccessStatusCode();
        Assert.Equal(ReturnRow, (await SearchAsync(agentId, Paraphrase))[0].Text);
    }

    [SkippableFact]
    public async Task Endpoint_failing_at_answer_time_leaves_the_lexical_answer()
    {
        RequireDatabase();
        App.Embeddings.Reset();
        FakeEmbeddings.Serve(App.Embeddings);
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);
        (await client.PostAsync($"/api/agents/{agentId}/knowledge", File(FaqCsv))).EnsureSuccessStatusCode();

        FakeEmbeddings.Fail(App.Embeddings);

        Assert.Equal("Shipping costs 5 EUR.", await AskAsync(agentId, "how much is shipping?"));
        Assert.Equal("Someone will call you back.", await AskAsync(agentId, Paraphrase));
        Assert.Contains(App.Embeddings.LogEntries, e => e.ResponseMessage.StatusCode is 503);
    }

    [SkippableFact]
    public async Task Background_job_embeds_a_file_stored_without_vectors_once_the_endpoint_is_back()
    {
        RequireDatabase();
        App.Embeddings.Reset();
        FakeEmbeddings.Fail(App.Embeddings);
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);
        (await client.PostAsync($"/api/agents/{agentId}/knowledge", File(FaqCsv))).EnsureSuccessStatusCode();
        Assert.Equal(0, await EmbeddedChunksAsync(agentId));
        var uploadCalls = App.Embeddings.LogEntries.Count();

        // Endpoint down: Hangfire runs the job, it fails and is scheduled again (a retry); nothing is stored.
        App.Services.GetRequiredService<IRecurringJobManager>().Trigger(KnowledgeEmbeddingJob.RecurringJobId);
        await ReplyTestApp.EventuallyAsync(
            () => Task.FromResult(App.Embeddings.LogEntries.Skip(uploadCalls).Any(e => e.ResponseMessage.StatusCode is 503) && RetryScheduled()),
            "the job's first run to fail on the endpoint and be scheduled for a retry", 120);
        Assert.Equal(0, await EmbeddedChunksAsync(agentId));
        Assert.Null(await EmbeddingModelAsync(agentId));

        // Endpoint up: the retry embeds two chunks (the bound of a run); the file is not embedded until all three are.
        App.Embeddings.Reset();
        FakeEmbeddings.Serve(App.Embeddings);
        await ReplyTestApp.EventuallyAsync(async () => await EmbeddedChunksAsync(agentId) > 0, "Hangfire's retry to embed chunks", 120);
        Assert.Equal(2, await EmbeddedChunksAsync(agentId));
        Assert.Null(await EmbeddingModelAsync(agentId));
        Assert.DoesNotContain(await SearchAsync(agentId, Paraphrase), m => m.Text == ReturnRow);

        // The next run embeds the last chunk: the file is embedded by the model in use and found by meaning.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<KnowledgeEmbeddingJob>().RunAsync(CancellationToken.None));
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<KnowledgeEmbeddingJob>().RunAsync(CancellationToken.None));
        }

        Assert.Equal(3, await EmbeddedChunksAsync(agentId));
        Assert.Equal(EmbeddingsTestApp.Model, await EmbeddingModelAsync(agentId));
        Assert.Equal(ReturnRow, (await SearchAsync(agentId, Paraphrase))[0].Text);
    }

    /// <summary>The recurring job's last run failed and Hangfire's automatic retry scheduled it again.</summary>
    private bool RetryScheduled()
    {
        using var connection = App.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetRecurringJobs([KnowledgeEmbeddingJob.RecurringJobId]).Single().LastJobId is { } jobId
            && connection.GetStateData(jobId)?.Name == "Scheduled"
            && connection.GetJobParameter(jobId, "RetryCount") == "1";
    }

    private Task<int> EmbeddedChunksAsync(Guid agentId) =>
        App.WithDbAsync(db => db.KnowledgeChunks.CountAsync(c => c.AgentId == agentId && c.Embedding != null));

    private Task<string?> EmbeddingModelAsync(Guid agentId) =>
        App.WithDbAsync(db => db.KnowledgeDocuments.Where(d => d.AgentId == agentId).Select(d => d.EmbeddingModel).SingleAsync());

    private async Task<string> AskAsync(Guid agentId, string question)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var knowledge = await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().SearchAsync(agentId, question, 1500, CancellationToken.None);
        var request = new ReplyRequest("You help customers.", null, "Someone will call you back.", knowledge, [], [question], null);
        return await scope.ServiceProvider.GetRequiredService<IReplyGenerator>().GenerateAsync(request, CancellationToken.None);
    }

    private async Task<IReadOnlyList<KnowledgeMatch>> SearchAsync(Guid agentId, string query)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().SearchAsync(agentId, query, 2000, CancellationToken.None);
    }

    private static MultipartFormDataContent File(string csv)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
        return new MultipartFormDataContent { { file, "file", "faq.csv" } };
    }

    private static async Task<Guid> CreateAgentAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/agents", new { name = "Shop", prompt = "You help customers." });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

public sealed class KnowledgeEmbeddingsOnSqlite(SqliteEmbeddingsApp app) : KnowledgeEmbeddingsTests<SqliteEmbeddingsApp>(app), IClassFixture<SqliteEmbeddingsApp>;

public sealed class KnowledgeEmbeddingsOnPostgres(PostgresEmbeddingsApp app) : KnowledgeEmbeddingsTests<PostgresEmbeddingsApp>(app), IClassFixture<PostgresEmbeddingsApp>;
