using System.Text;
using CleanAgent.AdminApiClient.Models;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.Kiota.Abstractions;

namespace CleanAgent.WebApi.FunctionalTests.Admin;

/// <summary>
/// The admin API exercised the way integrators use it: through the client Kiota generates from the committed
/// docs/openapi.json. A contract change that breaks a generated client breaks these tests.
/// </summary>
public abstract class AdminApiClientTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    private const string PhoneNumberId = "109876543210987";

    [SkippableFact]
    public async Task Agent_knowledge_and_number_are_set_up_through_the_generated_client()
    {
        RequireDatabase();
        var api = App.CreateAdminApiClient();

        var agent = await api.Api.Agents.PostAsync(new CreateAgentCommand { Name = "Bella", Prompt = "You are the assistant of Pizzeria Roma." });
        using var file = new MemoryStream(Encoding.UTF8.GetBytes("question,answer\nWhen do you open?,At 12:00.\n"));
        var upload = new MultipartBody();
        upload.AddOrReplacePart("file", "text/csv", file, "faq.csv");
        var document = await api.Api.Agents[agent!.Id!.Value].Knowledge.PostAsync(upload);
        var number = await api.Api.WhatsappNumbers.PostAsync(new AddWhatsAppNumberCommand
        {
            PhoneNumber = "+1 650 253 0001",
            DisplayName = "Pizzeria Roma",
            PhoneNumberId = PhoneNumberId,
            Status = NumberStatus.Active,
            AgentId = agent.Id,
            AppSecret = Meta.AppSecret,
            AccessToken = Meta.AccessToken,
        });

        Assert.Equal("Bella", agent.Name);
        Assert.Equal("faq.csv", document!.FileName);
        Assert.Equal(1, document.ChunkCount);
        Assert.Equal("faq.csv", Assert.Single((await api.Api.Agents[agent.Id.Value].Knowledge.GetAsync())!).FileName);
        Assert.Equal("+16502530001", number!.PhoneNumber);
        Assert.Equal(NumberStatus.Active, number.Status);
        Assert.Equal(agent.Id, number.AgentId);
        Assert.True(number.AccessTokenSet);
        Assert.Equal("7788", number.AccessTokenLast4);
        Assert.Equal("https://agents.example.com/api/meta-webhook", number.WebhookUrl);
        Assert.Equal(number.Id, Assert.Single((await api.Api.WhatsappNumbers.GetAsync())!).Id);
    }

    [SkippableFact]
    public async Task Conversations_are_listed_and_a_history_is_read_page_by_page_through_the_generated_client()
    {
        RequireDatabase();
        var api = App.CreateAdminApiClient();
        using var admin = App.CreateAdminClient();
        var numberId = await admin.AddNumberAsync(PhoneNumberId);
        using var meta = App.CreateClient();
        for (var i = 1; i <= 3; i++)
        {
            var delivered = await meta.PostWebhookAsync(Meta.TextWebhook(PhoneNumberId, "16315551181", $"wamid.client{i}", $"Message {i}", timestamp: 1_760_000_000 + i));
            Assert.True(delivered.IsSuccessStatusCode);
        }

        var conversations = await api.Api.Conversations.GetAsync(r => r.QueryParameters.WhatsAppNumberId = numberId);
        var conversation = Assert.Single(conversations!.Items!);
        var first = await api.Api.Conversations[conversation.Id!.Value].Messages.GetAsync(r => r.QueryParameters.PageSize = 2);
        var second = await api.Api.Conversations[conversation.Id.Value].Messages.GetAsync(r => { r.QueryParameters.Page = 2; r.QueryParameters.PageSize = 2; });

        Assert.Equal(1, conversations.TotalCount);
        Assert.Equal("Ana", conversation.CustomerName);
        Assert.Equal(3, conversation.InboundCount);
        Assert.Equal(3, first!.TotalCount);
        Assert.Equal(2, first.TotalPages);
        Assert.Equal(["Message 1", "Message 2"], first.Items!.Select(m => m.Text));
        Assert.Equal("Message 3", Assert.Single(second!.Items!).Text);
        Assert.All(first.Items!, m =>
        {
            Assert.Equal(MessageDirection.Inbound, m.Direction);
            Assert.Equal(MessageStatus.Received, m.Status);
        });
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_760_000_001), first.Items![0].Timestamp);
    }

    [SkippableFact]
    public async Task Invalid_agent_is_a_typed_validation_problem_naming_the_fields()
    {
        RequireDatabase();
        var api = App.CreateAdminApiClient();

        var problem = await Assert.ThrowsAsync<ValidationProblemDetails>(() => api.Api.Agents.PostAsync(new CreateAgentCommand { Name = "", Prompt = "" }));

        Assert.Equal(400, problem.ResponseStatusCode);
        Assert.Equal(400, problem.Status);
        Assert.Contains("name", problem.Errors!.AdditionalData.Keys);
        Assert.Contains("prompt", problem.Errors.AdditionalData.Keys);
        Assert.False(string.IsNullOrEmpty(problem.TraceId));
        Assert.Empty((await api.Api.Agents.GetAsync())!);
    }

    [SkippableFact]
    public async Task Deleting_a_linked_agent_is_a_typed_409_problem_and_a_duplicate_number_too()
    {
        RequireDatabase();
        var api = App.CreateAdminApiClient();
        var agent = await api.Api.Agents.PostAsync(new CreateAgentCommand { Name = "Bella", Prompt = "Help." });
        var number = new AddWhatsAppNumberCommand
        {
            PhoneNumber = "+1 650 253 0002",
            DisplayName = "Roma",
            PhoneNumberId = PhoneNumberId,
            AgentId = agent!.Id,
            AppSecret = Meta.AppSecret,
            AccessToken = Meta.AccessToken,
        };
        await api.Api.WhatsappNumbers.PostAsync(number);

        var linked = await Assert.ThrowsAsync<ProblemDetails>(() => api.Api.Agents[agent.Id!.Value].DeleteAsync());
        var duplicate = await Assert.ThrowsAsync<ProblemDetails>(() => api.Api.WhatsappNumbers.PostAsync(number));

        Assert.Equal(409, linked.ResponseStatusCode);
        Assert.Equal("Conflict", linked.Title);
        Assert.False(string.IsNullOrEmpty(linked.TraceId));
        Assert.Equal(409, duplicate.ResponseStatusCode);
        Assert.Contains(PhoneNumberId, duplicate.Detail, StringComparison.Ordinal);
        Assert.Equal(agent.Id, (await api.Api.Agents[agent.Id!.Value].GetAsync())!.Id);
    }

    [SkippableFact]
    public async Task Unknown_agent_is_a_typed_404_problem_and_a_missing_or_wrong_key_a_typed_401()
    {
        RequireDatabase();
        var api = App.CreateAdminApiClient();
        var unknown = Guid.NewGuid();

        var notFound = await Assert.ThrowsAsync<ProblemDetails>(() => api.Api.Agents[unknown].GetAsync());
        var unauthorized = await Assert.ThrowsAsync<ProblemDetails>(() => App.CreateAdminApiClient(apiKey: null).Api.Agents.GetAsync());
        var wrongKey = await Assert.ThrowsAsync<ProblemDetails>(() => App.CreateAdminApiClient(apiKey: "not-the-key").Api.Agents.GetAsync());

        Assert.Equal(404, notFound.ResponseStatusCode);
        Assert.Contains(unknown.ToString(), notFound.Detail, StringComparison.Ordinal);
        Assert.Equal(401, unauthorized.ResponseStatusCode);
        Assert.Equal(401, wrongKey.ResponseStatusCode);
        Assert.False(string.IsNullOrEmpty(unauthorized.TraceId));
    }
}

public sealed class AdminApiClientOnSqlite(SqliteApp app) : AdminApiClientTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class AdminApiClientOnPostgres(PostgresApp app) : AdminApiClientTests<PostgresApp>(app), IClassFixture<PostgresApp>;
