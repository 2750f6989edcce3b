using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CleanAgent.Application.Replies;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.WebApi.FunctionalTests.Knowledge;

public abstract class KnowledgeApiTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    private const string FaqCsv =
        "question,answer\n" +
        "What are your opening hours?,\"We are open Monday to Saturday, 9am to 7pm.\"\n" +
        "How much does shipping cost?,Shipping costs 5 EUR.\n" +
        "Can I return a product?,\"Yes, within 30 days.\"\n";

    public static TheoryData<string, string, string, HttpStatusCode> BadFiles => new()
    {
        { "notes.txt", "text/plain", "%PDF-1.7\0\u0001binary", HttpStatusCode.BadRequest },
        { "notes.txt", "text/plain", "", HttpStatusCode.BadRequest },
        { "notes.md", "text/markdown", "  \n\n \n", HttpStatusCode.BadRequest },
        { "faq.csv", "text/csv", "question,answer\n\"never closed,x\n", HttpStatusCode.BadRequest },
        { "faq.csv", "text/csv", "question,answer\nq1,a1\nq2,a2,extra\n", HttpStatusCode.BadRequest },
        { "faq.csv", "text/csv", "question,answer\n", HttpStatusCode.BadRequest },
        { "manual.pdf", "application/pdf", "%PDF-1.7", HttpStatusCode.BadRequest },
        { "sheet.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK", HttpStatusCode.UnsupportedMediaType },
        { "photo", "image/png", "PNG", HttpStatusCode.UnsupportedMediaType },
    };

    [SkippableFact]
    public async Task Csv_is_uploaded_listed_searched_and_deleted()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);

        var upload = await client.PostAsync($"/api/agents/{agentId}/knowledge", File("faq.csv", "text/csv", Encoding.UTF8.GetBytes(FaqCsv)));

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var document = await upload.Content.ReadFromJsonAsync<JsonElement>();
        var documentId = document.GetProperty("id").GetGuid();
        Assert.Equal("faq.csv", document.GetProperty("fileName").GetString());
        Assert.Equal("text/csv", document.GetProperty("contentType").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount(FaqCsv), document.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(3, document.GetProperty("chunkCount").GetInt32());

        var listed = Assert.Single(await client.GetFromJsonAsync<JsonElement[]>($"/api/agents/{agentId}/knowledge") ?? []);
        Assert.Equal(documentId, listed.GetProperty("id").GetGuid());
        Assert.True(listed.TryGetProperty("createdAt", out _));

        var matches = await SearchAsync(agentId, "how much is shipping?");
        Assert.Equal("question: How much does shipping cost?\nanswer: Shipping costs 5 EUR.", matches[0].Text);
        Assert.Equal("faq.csv", matches[0].DocumentName);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/agents/{agentId}/knowledge/{documentId}")).StatusCode);
        Assert.Empty(await client.GetFromJsonAsync<JsonElement[]>($"/api/agents/{agentId}/knowledge") ?? []);
        Assert.Empty(await SearchAsync(agentId, "how much is shipping?"));
        Assert.Equal(0, await CountChunksAsync());
    }

    [SkippableFact]
    public async Task Csv_of_many_rows_is_stored_whole_and_its_last_row_found()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);
        var csv = "question,answer\n" + string.Concat(Enumerable.Range(1, 1234).Select(i => $"What fits frame model X{i}?,Model X{i} takes wheel size W{i}.\n"));

        var upload = await client.PostAsync($"/api/agents/{agentId}/knowledge", File("frames.csv", "text/csv", Encoding.UTF8.GetBytes(csv)));

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Equal(1234, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("chunkCount").GetInt32());
        Assert.Equal(1234, await CountChunksAsync());
        Assert.Equal("question: What fits frame model X1234?\nanswer: Model X1234 takes wheel size W1234.", (await SearchAsync(agentId, "what fits model x1234"))[0].Text);
    }

    [SkippableFact]
    public async Task Markdown_is_stored_as_paragraph_chunks_and_found()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);
        var markdown = "# Pizzeria Roma\n\nWe bake in a wood-fired oven.\n\n## Delivery\n\nWe deliver within 5 km of Via Roma 12.";

        var upload = await client.PostAsync($"/api/agents/{agentId}/knowledge", File("about.md", "text/markdown", Encoding.UTF8.GetBytes(markdown)));

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var document = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("text/markdown", document.GetProperty("contentType").GetString());
        Assert.Contains("wood-fired oven", (await SearchAsync(agentId, "wood oven"))[0].Text, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(BadFiles))]
    public async Task Bad_file_is_refused_and_nothing_is_stored(string name, string type, string content, HttpStatusCode expected)
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);

        var response = await client.PostAsync($"/api/agents/{agentId}/knowledge", File(name, type, Encoding.UTF8.GetBytes(content)));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertNothingStoredAsync(client, agentId);
    }

    [SkippableFact]
    public async Task Invalid_utf8_is_refused_naming_the_file_field()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);

        var response = await client.PostAsync($"/api/agents/{agentId}/knowledge", File("notes.txt", "text/plain", [0x48, 0x69, 0xC3, 0x28, 0xA0]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("UTF-8", problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(client, agentId);
    }

    [SkippableTheory]
    [InlineData((2 * 1024 * 1024) + 1)]
    [InlineData(5 * 1024 * 1024)]
    public async Task File_over_the_limit_is_413_and_nothing_is_stored(int size)
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);
        var tooBig = Encoding.UTF8.GetBytes(new string('a', size));

        var response = await client.PostAsync($"/api/agents/{agentId}/knowledge", File("big.txt", "text/plain", tooBig));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertNothingStoredAsync(client, agentId);
    }

    [SkippableFact]
    public async Task Upload_without_a_file_field_is_400()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);
        using var form = new MultipartFormDataContent { { new StringContent("x"), "other" } };

        var response = await client.PostAsync($"/api/agents/{agentId}/knowledge", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync(client, agentId);
    }

    [SkippableFact]
    public async Task Unknown_agent_or_document_is_404()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);
        var unknown = Guid.NewGuid();

        var responses = new[]
        {
            await client.PostAsync($"/api/agents/{unknown}/knowledge", File("faq.csv", "text/csv", Encoding.UTF8.GetBytes(FaqCsv))),
            await client.GetAsync($"/api/agents/{unknown}/knowledge"),
            await client.DeleteAsync($"/api/agents/{unknown}/knowledge/{Guid.NewGuid()}"),
            await client.DeleteAsync($"/api/agents/{agentId}/knowledge/{Guid.NewGuid()}"),
        };

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal(0, await CountChunksAsync());
    }

    [SkippableFact]
    public async Task Search_shows_the_top_rows_with_scores_and_checks_its_input()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);
        (await client.PostAsync($"/api/agents/{agentId}/knowledge", File("faq.csv", "text/csv", Encoding.UTF8.GetBytes(FaqCsv)))).EnsureSuccessStatusCode();
        (await client.PostAsync($"/api/agents/{agentId}/knowledge", File("synonyms.csv", "text/csv", Encoding.UTF8.GetBytes("word,same as\nreturn,send back|refund\n")))).EnsureSuccessStatusCode();

        var rows = await client.GetFromJsonAsync<JsonElement[]>($"/api/agents/{agentId}/knowledge/search?q={Uri.EscapeDataString("Hi! I got the wrong size, can I get a refund?")}&top=2") ?? [];

        Assert.InRange(rows.Length, 1, 2);
        Assert.Equal("question: Can I return a product?\nanswer: Yes, within 30 days.", rows[0].GetProperty("text").GetString());
        Assert.InRange(rows[0].GetProperty("score").GetDouble(), 0.5, 1);
        Assert.Equal("faq.csv", rows[0].GetProperty("documentName").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/agents/{agentId}/knowledge/search?q=")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/agents/{agentId}/knowledge/search?q=x&top=500")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/agents/{Guid.NewGuid()}/knowledge/search?q=shipping")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().GetAsync($"/api/agents/{agentId}/knowledge/search?q=shipping")).StatusCode);
    }

    [SkippableFact]
    public async Task Pdf_is_uploaded_and_found()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);
        var builder = new UglyToad.PdfPig.Writer.PdfDocumentBuilder();
        var font = builder.AddStandard14Font(UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        page.AddText("Warranty: every frame is guaranteed for five years.", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 750), font);

        var upload = await client.PostAsync($"/api/agents/{agentId}/knowledge", File("manual.pdf", "application/pdf", builder.Build()));

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Contains("five years", (await SearchAsync(agentId, "what warranty do frames have"))[0].Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Knowledge_needs_an_admin_key()
    {
        RequireDatabase();
        using var client = App.CreateClient();

        var response = await client.GetAsync($"/api/agents/{Guid.NewGuid()}/knowledge");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [SkippableFact]
    public async Task Offline_responder_answers_from_the_uploaded_faq_and_falls_back_otherwise()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var agentId = await CreateAgentAsync(client);
        (await client.PostAsync($"/api/agents/{agentId}/knowledge", File("faq.csv", "text/csv", Encoding.UTF8.GetBytes(FaqCsv)))).EnsureSuccessStatusCode();

        async Task<string> AskAsync(string question)
        {
            await using var scope = App.Services.CreateAsyncScope();
            var knowledge = await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().SearchAsync(agentId, question, 1500, CancellationToken.None);
            var request = new ReplyRequest("You help customers.", null, "Someone will call you back.", knowledge, [], [question], null);
            return await scope.ServiceProvider.GetRequiredService<IReplyGenerator>().GenerateAsync(request, CancellationToken.None);
        }

        Assert.Equal("We are open Monday to Saturday, 9am to 7pm.", await AskAsync("when are you open on saturday?"));
        Assert.Equal("Someone will call you back.", await AskAsync("Do you repair bicycles?"));
    }

    [SkippableFact]
    public async Task Swagger_describes_the_upload_as_a_multipart_file()
    {
        RequireDatabase();
        using var client = App.CreateClient();

        var swagger = await client.GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        var upload = swagger.GetProperty("paths").GetProperty("/api/agents/{id}/knowledge").GetProperty("post");
        var schema = upload.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Contains("file", schema.GetRawText(), StringComparison.Ordinal);
    }

    private static MultipartFormDataContent File(string name, string type, byte[] content)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return new MultipartFormDataContent { { file, "file", name } };
    }

    private static async Task<Guid> CreateAgentAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/agents", new { name = "Shop", prompt = "You help customers." });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<IReadOnlyList<KnowledgeMatch>> SearchAsync(Guid agentId, string query)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IKnowledgeSearch>().SearchAsync(agentId, query, 2000, CancellationToken.None);
    }

    private async Task<long> CountChunksAsync()
    {
        await using var connection = await App.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM \"KnowledgeChunks\"";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task AssertNothingStoredAsync(HttpClient client, Guid agentId)
    {
        Assert.Empty(await client.GetFromJsonAsync<JsonElement[]>($"/api/agents/{agentId}/knowledge") ?? []);
        Assert.Equal(0, await CountChunksAsync());
    }
}

public sealed class KnowledgeApiOnSqlite(SqliteApp app) : KnowledgeApiTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class KnowledgeApiOnPostgres(PostgresApp app) : KnowledgeApiTests<PostgresApp>(app), IClassFixture<PostgresApp>;
