using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanAgent.Domain.Conversations;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CleanAgent.WebApi.FunctionalTests.Handoff;

/// <summary>A business opens a conversation with an approved template: listed from Meta, checked before sending, sent through the outbox.</summary>
public abstract class TemplateTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : ReplyTestApp
{
    private const string PhoneNumberId = "106540352242922";
    private const string WabaId = "102290129340398";
    private const string TemplatesPath = "/v24.0/" + WabaId + "/message_templates";

    private const string OrderUpdate = """
        {"name": "order_update", "language": "de", "category": "UTILITY", "status": "APPROVED", "id": "1",
         "components": [{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "Hallo {{1}}, Ihre Bestellung {{2}} ist unterwegs."}, {"type": "FOOTER", "text": "Pizzeria Roma"}]}
        """;

    private const string Welcome = """
        {"name": "welcome", "language": "en_US", "category": "MARKETING", "status": "APPROVED", "id": "2",
         "components": [{"type": "BODY", "text": "Welcome {{1}}!"}]}
        """;

    private const string Pending = """
        {"name": "winter_sale", "language": "en_US", "category": "MARKETING", "status": "PENDING", "id": "3", "components": [{"type": "BODY", "text": "Sale!"}]}
        """;

    private async Task<(HttpClient Admin, Guid NumberId)> SetUpAsync()
    {
        App.GraphAcceptsEverything();
        App.Graph.Given(Request.Create().WithPath(TemplatesPath).UsingGet().WithParam("after", "CURSOR1")).AtPriority(1)
            .RespondWith(Json($$$"""{"data": [{{{Pending}}}], "paging": {"cursors": {"before": "CURSOR1", "after": "CURSOR2"} } }"""));
        App.Graph.Given(Request.Create().WithPath(TemplatesPath).UsingGet()).AtPriority(2)
            .RespondWith(Json($$$"""{"data": [{{{OrderUpdate}}}, {{{Welcome}}}], "paging": {"cursors": {"before": "A", "after": "CURSOR1"}, "next": "https://graph.facebook.com/v24.0/{{{WabaId}}}/message_templates?after=CURSOR1"}}"""));
        var admin = App.CreateAdminClient();
        var numberId = await admin.AddNumberAsync(PhoneNumberId, wabaId: WabaId);
        return (admin, numberId);
    }

    private static IResponseBuilder Json(string body) => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);

    private List<JsonElement> TemplateSends() => App.Graph.LogEntries
        .Where(e => e.RequestMessage.Method == "POST" && e.RequestMessage.Body!.Contains("\"type\":\"template\"", StringComparison.Ordinal))
        .Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.Clone())
        .ToList();

    private Task<Message> OutboundAsync(Guid id) => App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == id));

    [SkippableFact]
    public async Task Templates_are_listed_across_pages_with_what_each_component_needs_and_cached()
    {
        RequireDatabase();
        var (admin, numberId) = await SetUpAsync();

        var templates = await admin.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{numberId}/templates");
        await admin.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{numberId}/templates");

        Assert.Equal(["order_update", "welcome", "winter_sale"], templates.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        var order = templates[0];
        Assert.Equal("de", order.GetProperty("language").GetString());
        Assert.Equal("UTILITY", order.GetProperty("category").GetString());
        Assert.Equal("APPROVED", order.GetProperty("status").GetString());
        Assert.Equal(1, order.GetProperty("components")[0].GetProperty("parameterCount").GetInt32());
        Assert.Equal(2, order.GetProperty("components")[1].GetProperty("parameterCount").GetInt32());
        var listCalls = App.Graph.LogEntries.Where(e => e.RequestMessage.Path == TemplatesPath).ToList();
        Assert.Equal(2, listCalls.Count);
        Assert.All(listCalls, c => Assert.Equal($"Bearer {Meta.AccessToken}", c.RequestMessage.Headers!["Authorization"].Single()));

        await admin.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{numberId}/templates?refresh=true");
        Assert.Equal(4, App.Graph.LogEntries.Count(e => e.RequestMessage.Path == TemplatesPath));
    }

    [SkippableFact]
    public async Task A_template_status_webhook_for_the_account_makes_the_next_listing_ask_Meta_again()
    {
        RequireDatabase();
        var (admin, numberId) = await SetUpAsync();
        await admin.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{numberId}/templates");
        using var meta = App.CreateClient();

        // Another account's template changed: this number's cached list stays.
        Assert.Equal(HttpStatusCode.OK, (await meta.PostWebhookAsync(TemplateStatusUpdate("999000111"))).StatusCode);
        await admin.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{numberId}/templates");
        Assert.Equal(2, App.Graph.LogEntries.Count(e => e.RequestMessage.Path == TemplatesPath));

        Assert.Equal(HttpStatusCode.OK, (await meta.PostWebhookAsync(TemplateStatusUpdate(WabaId))).StatusCode);
        await admin.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{numberId}/templates");
        Assert.Equal(4, App.Graph.LogEntries.Count(e => e.RequestMessage.Path == TemplatesPath));
    }

    private static string TemplateStatusUpdate(string accountId) => $$$"""
        {"object": "whatsapp_business_account", "entry": [{"id": "{{{accountId}}}", "time": 1764672000, "changes": [{"field": "message_template_status_update",
         "value": {"event": "APPROVED", "message_template_id": 3, "message_template_name": "winter_sale", "message_template_language": "en_US", "reason": "NONE"}}]}]}
        """;

    [SkippableFact]
    public async Task A_template_goes_to_a_new_customer_outside_any_window_and_is_sent_once_per_idempotency_key()
    {
        RequireDatabase();
        var (admin, numberId) = await SetUpAsync();
        var body = new { to = "+4915112345678", templateName = "order_update", languageCode = "de", bodyParameters = new[] { "Ana", "4711" }, headerParameters = new[] { "https://example.com/pizza.jpg" } };

        using var first = new HttpRequestMessage(HttpMethod.Post, $"/api/whatsapp-numbers/{numberId}/templates/send") { Content = JsonContent.Create(body) };
        first.Headers.Add("Idempotency-Key", "tpl-1");
        var accepted = await HttpAssert.JsonAsync(await admin.SendAsync(first), HttpStatusCode.Accepted);
        var messageId = accepted.GetProperty("message").GetProperty("id").GetGuid();
        Assert.Equal("Pending", accepted.GetProperty("message").GetProperty("status").GetString());
        Assert.Equal("template", accepted.GetProperty("message").GetProperty("type").GetString());
        Assert.Equal("Hallo Ana, Ihre Bestellung 4711 ist unterwegs.", accepted.GetProperty("message").GetProperty("text").GetString());
        await ReplyTestApp.EventuallyAsync(async () => (await OutboundAsync(messageId)).Status == MessageStatus.Sent, "the template sent");

        using var retry = new HttpRequestMessage(HttpMethod.Post, $"/api/whatsapp-numbers/{numberId}/templates/send") { Content = JsonContent.Create(body) };
        retry.Headers.Add("Idempotency-Key", "tpl-1");
        var again = await HttpAssert.JsonAsync(await admin.SendAsync(retry), HttpStatusCode.Accepted);

        Assert.Equal(messageId, again.GetProperty("message").GetProperty("id").GetGuid());
        Assert.Equal(accepted.GetProperty("conversationId").GetGuid(), again.GetProperty("conversationId").GetGuid());
        var sent = Assert.Single(TemplateSends());
        Assert.Equal("4915112345678", sent.GetProperty("to").GetString());
        var template = sent.GetProperty("template");
        Assert.Equal("order_update", template.GetProperty("name").GetString());
        Assert.Equal("de", template.GetProperty("language").GetProperty("code").GetString());
        Assert.Equal("https://example.com/pizza.jpg", template.GetProperty("components")[0].GetProperty("parameters")[0].GetProperty("image").GetProperty("link").GetString());
        Assert.Equal("4711", template.GetProperty("components")[1].GetProperty("parameters")[1].GetProperty("text").GetString());
        var conversation = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{accepted.GetProperty("conversationId").GetGuid()}");
        Assert.Equal("4915112345678", conversation.GetProperty("customerWaId").GetString());
        Assert.Equal("Agent", conversation.GetProperty("mode").GetString());
    }

    [SkippableFact]
    public async Task Values_that_do_not_fit_the_template_are_refused_before_anything_is_sent()
    {
        RequireDatabase();
        var (admin, numberId) = await SetUpAsync();
        var url = $"/api/whatsapp-numbers/{numberId}/templates/send";

        var tooFew = await admin.PostAsJsonAsync(url, new { to = "+4915112345678", templateName = "order_update", languageCode = "de", bodyParameters = new[] { "Ana" }, headerParameters = new[] { "https://example.com/a.jpg" } });
        var noHeader = await admin.PostAsJsonAsync(url, new { to = "+4915112345678", templateName = "order_update", languageCode = "de", bodyParameters = new[] { "Ana", "1" } });
        var unknown = await admin.PostAsJsonAsync(url, new { to = "+4915112345678", templateName = "nope", languageCode = "de" });
        var bsuid = await admin.PostAsJsonAsync(url, new { to = "US.13491208655302741918", templateName = "welcome", languageCode = "en_US", bodyParameters = new[] { "Ana" } });
        var notApproved = await admin.PostAsJsonAsync(url, new { to = "+4915112345678", templateName = "winter_sale", languageCode = "en_US" });

        Assert.Contains("2 value(s)", (await HttpAssert.FieldErrorAsync(tooFew, "bodyParameters"))[0], StringComparison.Ordinal);
        Assert.Contains("IMAGE header", (await HttpAssert.FieldErrorAsync(noHeader, "headerParameters"))[0], StringComparison.Ordinal);
        Assert.Contains("no template 'nope'", (await HttpAssert.FieldErrorAsync(unknown, "templateName"))[0], StringComparison.Ordinal);
        Assert.Contains("BSUID", (await HttpAssert.FieldErrorAsync(bsuid, "to"))[0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, notApproved.StatusCode);
        Assert.Empty(TemplateSends());
        Assert.Equal(0, await App.WithDbAsync(db => db.Messages.CountAsync()));
    }

    [SkippableFact]
    public async Task A_marketing_template_is_refused_for_a_customer_who_stopped_marketing()
    {
        RequireDatabase();
        var (admin, numberId) = await SetUpAsync();
        using var client = App.CreateClient();
        var preferences = $$$"""
            {"object": "whatsapp_business_account", "entry": [{"id": "{{{WabaId}}}", "changes": [{"field": "user_preferences", "value":
              {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "16505553333", "phone_number_id": "{{{PhoneNumberId}}}"},
               "contacts": [{"wa_id": "4915112345678", "profile": {"name": "Ana"}}],
               "user_preferences": [{"wa_id": "4915112345678", "detail": "User requested to stop marketing messages", "category": "marketing_messages", "value": "stop", "timestamp": 1760000000}]}}]}]}
            """;
        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(preferences)).StatusCode);
        await ReplyTestApp.EventuallyAsync(() => App.WithDbAsync(db => db.Conversations.AnyAsync(c => c.MarketingOptOut == true)), "the opt-out stored");

        var refused = await admin.PostAsJsonAsync($"/api/whatsapp-numbers/{numberId}/templates/send", new { to = "+4915112345678", templateName = "welcome", languageCode = "en_US", bodyParameters = new[] { "Ana" } });

        var problem = await HttpAssert.JsonAsync(refused, HttpStatusCode.Conflict);
        Assert.Contains("stopped marketing", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Empty(TemplateSends());
    }

    [SkippableFact]
    public async Task Metas_132001_becomes_a_clear_error_on_the_message()
    {
        RequireDatabase();
        var (admin, numberId) = await SetUpAsync();
        App.Graph.Given(Request.Create().WithPath("/v24.0/" + PhoneNumberId + "/messages").UsingPost().WithBody(b => b != null && b.Contains("\"type\":\"template\"", StringComparison.Ordinal)))
            .AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"message":"(#132001) Template name does not exist in the translation","type":"OAuthException","code":132001,"error_data":{"messaging_product":"whatsapp","details":"template name (welcome) does not exist in en_US"},"fbtrace_id":"A1"}}"""));

        var accepted = await HttpAssert.JsonAsync(
            await admin.PostAsJsonAsync($"/api/whatsapp-numbers/{numberId}/templates/send", new { to = "+4915112345678", templateName = "welcome", languageCode = "en_US", bodyParameters = new[] { "Ana" } }),
            HttpStatusCode.Accepted);

        var messageId = accepted.GetProperty("message").GetProperty("id").GetGuid();
        await ReplyTestApp.EventuallyAsync(async () => (await OutboundAsync(messageId)).Status == MessageStatus.Failed, "the template refused");
        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{accepted.GetProperty("conversationId").GetGuid()}/messages");
        var message = history.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == messageId);
        Assert.Equal("132001", message.GetProperty("errorCode").GetString());
        Assert.StartsWith("The template does not exist in this language, or is not approved yet.", message.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}

public sealed class TemplatesOnSqlite(SqliteReplyApp app) : TemplateTests<SqliteReplyApp>(app), IClassFixture<SqliteReplyApp>;

public sealed class TemplatesOnPostgres(PostgresReplyApp app) : TemplateTests<PostgresReplyApp>(app), IClassFixture<PostgresReplyApp>;
