using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanAgent.Domain.Conversations;
using CleanAgent.Infrastructure.Persistence;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.WebApi.FunctionalTests.Admin;

public abstract class ConversationsApiTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    private static readonly DateTime Morning = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>Stores a conversation with one inbound text, as the webhook would (it is not built yet).</summary>
    private async Task<Guid> SeedConversationAsync(Guid numberId, string waId, string name, DateTime at, string text)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var conversation = Conversation.Start(numberId, waId, null, at);
        var message = Message.Inbound(conversation, "wamid." + Guid.NewGuid().ToString("N"), new InboundContent { Type = "text", Text = text, RawJson = "{}" }, at, at);
        conversation.RecordInbound(message, name, null, answering: true, at);
        db.Conversations.Add(conversation);
        db.Messages.Add(message);
        await db.SaveChangesAsync(CancellationToken.None);
        return conversation.Id;
    }

    [SkippableFact]
    public async Task No_conversations_is_an_empty_first_page()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();

        var page = await HttpAssert.JsonAsync(await client.GetAsync("/api/conversations"), HttpStatusCode.OK);

        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(1, page.GetProperty("page").GetInt32());
        Assert.Equal(20, page.GetProperty("pageSize").GetInt32());
        Assert.Equal(0, page.GetProperty("totalCount").GetInt32());
    }

    [SkippableFact]
    public async Task Conversations_are_listed_newest_first_paged_and_filtered_by_number()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var numberId = (await Numbers.AddAsync(client, Numbers.ValidBody("111"))).GetProperty("id").GetGuid();
        var otherId = (await Numbers.AddAsync(client, Numbers.ValidBody("222"))).GetProperty("id").GetGuid();
        await SeedConversationAsync(numberId, "12345678900", "Ana", Morning, "Hi");
        await SeedConversationAsync(numberId, "447946095800", "Ben", Morning.AddHours(2), "Hello");
        await SeedConversationAsync(otherId, "5511987654321", "Caio", Morning.AddHours(1), "Oi");

        var all = await client.GetFromJsonAsync<JsonElement>("/api/conversations");
        var firstPage = await client.GetFromJsonAsync<JsonElement>($"/api/conversations?whatsAppNumberId={numberId}&page=1&pageSize=1");
        var secondPage = await client.GetFromJsonAsync<JsonElement>($"/api/conversations?whatsAppNumberId={numberId}&page=2&pageSize=1");

        Assert.Equal(["Ben", "Caio", "Ana"], all.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("customerName").GetString()));
        Assert.Equal(2, firstPage.GetProperty("totalCount").GetInt32());
        Assert.Equal(2, firstPage.GetProperty("totalPages").GetInt32());
        Assert.Equal("Ben", Assert.Single(firstPage.GetProperty("items").EnumerateArray()).GetProperty("customerName").GetString());
        Assert.Equal("Ana", Assert.Single(secondPage.GetProperty("items").EnumerateArray()).GetProperty("customerName").GetString());
    }

    [SkippableFact]
    public async Task Messages_of_a_conversation_are_shown_with_direction_type_and_status()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var numberId = (await Numbers.AddAsync(client, Numbers.ValidBody())).GetProperty("id").GetGuid();
        var conversationId = await SeedConversationAsync(numberId, "12345678900", "Ana", Morning, "Do you open on Sundays?");

        var messages = await HttpAssert.JsonAsync(await client.GetAsync($"/api/conversations/{conversationId}/messages"), HttpStatusCode.OK);

        var message = Assert.Single(messages.GetProperty("items").EnumerateArray());
        Assert.Equal("Inbound", message.GetProperty("direction").GetString());
        Assert.Equal("text", message.GetProperty("type").GetString());
        Assert.Equal("Do you open on Sundays?", message.GetProperty("text").GetString());
        Assert.Equal("Received", message.GetProperty("status").GetString());
        Assert.StartsWith("wamid.", message.GetProperty("whatsAppMessageId").GetString(), StringComparison.Ordinal);
        Assert.Equal(Morning, message.GetProperty("timestamp").GetDateTime().ToUniversalTime());
        Assert.True(message.TryGetProperty("error", out _));
    }

    [SkippableFact]
    public async Task Deleting_a_number_removes_its_conversations()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var numberId = (await Numbers.AddAsync(client, Numbers.ValidBody())).GetProperty("id").GetGuid();
        var conversationId = await SeedConversationAsync(numberId, "12345678900", "Ana", Morning, "Hi");

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/whatsapp-numbers/{numberId}")).StatusCode);

        await HttpAssert.ProblemAsync(await client.GetAsync($"/api/conversations/{conversationId}/messages"), HttpStatusCode.NotFound);
        Assert.Equal(0, await StoredValues.CountAsync(App, "Messages"));
    }

    [SkippableFact]
    public async Task Messages_of_an_unknown_conversation_is_404_problem()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();

        await HttpAssert.ProblemAsync(await client.GetAsync($"/api/conversations/{Guid.NewGuid()}/messages"), HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task Conversations_are_found_by_customer_name_or_number_and_filtered()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var numberId = (await Numbers.AddAsync(client, Numbers.ValidBody("333"))).GetProperty("id").GetGuid();
        var recent = DateTime.UtcNow.AddMinutes(-5);
        await SeedConversationAsync(numberId, "12345678900", "Ana Lima", recent, "Hi");
        await SeedConversationAsync(numberId, "447946095800", "Ben", Morning, "Hello");

        async Task<string[]> NamesAsync(string query) =>
            [.. (await client.GetFromJsonAsync<JsonElement>("/api/conversations?" + query)).GetProperty("items").EnumerateArray()
                .Select(c => c.GetProperty("customerName").GetString()!)];

        Assert.Equal(["Ana Lima"], await NamesAsync("q=ana"));
        Assert.Equal(["Ben"], await NamesAsync("q=%2B44 7946"));
        Assert.Equal(["Ana Lima"], await NamesAsync("windowOpen=true"));
        Assert.Equal(["Ben"], await NamesAsync("windowOpen=false"));
        Assert.Equal(["Ana Lima", "Ben"], await NamesAsync("needsReply=true"));
        Assert.Empty(await NamesAsync("needsReply=false"));
        Assert.Empty(await NamesAsync("failed=true"));
        Assert.Equal(["Ana Lima", "Ben"], await NamesAsync("failed=false"));
    }

    [SkippableTheory]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=201", "pageSize")]
    public async Task Conversations_with_a_bad_page_is_400_naming_it(string query, string field)
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();

        await HttpAssert.FieldErrorAsync(await client.GetAsync($"/api/conversations?{query}"), field);
    }

    [SkippableTheory]
    [InlineData("/api/conversations?page=2147483647&pageSize=200")]
    [InlineData("/api/conversations?page=10737419&pageSize=200")]
    [InlineData("/api/conversations?page=1000001")]
    [InlineData("/api/conversations/{conversation}/messages?page=2147483647&pageSize=200")]
    [InlineData("/api/whatsapp-numbers/{number}/events?page=21474837&pageSize=100")]
    public async Task A_page_number_that_would_overflow_the_offset_is_400_naming_it_not_page_1_or_a_500(string route)
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var numberId = await admin.AddNumberAsync("106540352242922");
        using var client = App.CreateClient();
        await client.PostWebhookAsync(Meta.TextWebhook("106540352242922", "16315551181", "wamid.paging", "hi"));
        var conversation = (await admin.GetFromJsonAsync<JsonElement>("/api/conversations")).GetProperty("items")[0].GetProperty("id").GetGuid();

        var response = await admin.GetAsync(route.Replace("{conversation}", conversation.ToString(), StringComparison.Ordinal)
            .Replace("{number}", numberId.ToString(), StringComparison.Ordinal));

        var messages = await HttpAssert.FieldErrorAsync(response, "page");
        Assert.Contains(messages, m => m.Contains("1000000", StringComparison.Ordinal));
    }

    [SkippableTheory]
    [InlineData("page=abc")]
    [InlineData("pageSize=ten")]
    [InlineData("whatsAppNumberId=not-a-guid")]
    public async Task Conversations_with_an_unreadable_query_is_400_problem(string query)
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();

        await HttpAssert.ProblemAsync(await client.GetAsync($"/api/conversations?{query}"), HttpStatusCode.BadRequest);
    }

    [SkippableTheory]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=201", "pageSize")]
    public async Task Messages_with_a_bad_page_is_400_naming_it(string query, string field)
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();

        await HttpAssert.FieldErrorAsync(await client.GetAsync($"/api/conversations/{Guid.NewGuid()}/messages?{query}"), field);
    }
}

public sealed class ConversationsApiOnSqlite(SqliteApp app) : ConversationsApiTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class ConversationsApiOnPostgres(PostgresApp app) : ConversationsApiTests<PostgresApp>(app), IClassFixture<PostgresApp>;
