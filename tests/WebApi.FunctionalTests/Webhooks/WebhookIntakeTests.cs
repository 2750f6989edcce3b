using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CleanAgent.Domain.Conversations;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CleanAgent.WebApi.FunctionalTests.Webhooks;

public abstract class WebhookIntakeTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    private const string NumberId = "106540352242922";

    private Task<int> CountMessagesAsync() => App.WithDbAsync(db => db.Messages.CountAsync());

    [SkippableFact]
    public async Task Verification_answers_the_bare_challenge_for_the_right_token_only()
    {
        RequireDatabase();
        using var client = App.CreateClient();

        var ok = await client.GetAsync($"/api/meta-webhook?hub.mode=subscribe&hub.verify_token={TestApp.VerifyToken}&hub.challenge=1158201444");
        var wrongToken = await client.GetAsync("/api/meta-webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444");
        var wrongMode = await client.GetAsync($"/api/meta-webhook?hub.mode=unsubscribe&hub.verify_token={TestApp.VerifyToken}&hub.challenge=1");
        var nothing = await client.GetAsync("/api/meta-webhook");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("text/plain", ok.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongMode.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, nothing.StatusCode);
    }

    [SkippableFact]
    public async Task Signed_text_is_stored_exactly_with_its_conversation_and_customer()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var numberId = await admin.AddNumberAsync(NumberId);
        var text = "Héllo 👋🏽 e\u0301 \"quoted\" </script> " + new string('x', 4000);
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(Meta.TextWebhook(NumberId, "16315551181", "wamid.exact1", text, name: "Zoë"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var conversations = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations?whatsAppNumberId={numberId}");
        var conversation = Assert.Single(conversations.GetProperty("items").EnumerateArray());
        Assert.Equal("Zoë", conversation.GetProperty("customerName").GetString());
        Assert.Equal("16315551181", conversation.GetProperty("customerWaId").GetString());
        Assert.Equal(1, conversation.GetProperty("inboundCount").GetInt32());
        var messages = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation.GetProperty("id").GetGuid()}/messages");
        var message = Assert.Single(messages.GetProperty("items").EnumerateArray());
        Assert.Equal(text, message.GetProperty("text").GetString());
        Assert.Equal("Inbound", message.GetProperty("direction").GetString());
        Assert.Equal("Received", message.GetProperty("status").GetString());
        Assert.Equal("text", message.GetProperty("type").GetString());
        Assert.Equal("wamid.exact1", message.GetProperty("whatsAppMessageId").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_760_000_000).UtcDateTime, message.GetProperty("timestamp").GetDateTime().ToUniversalTime());
    }

    [SkippableTheory]
    [InlineData("unicode-escapes")]
    [InlineData("raw-utf8")]
    [InlineData("escaped-slashes")]
    [InlineData("crlf")]
    [InlineData("trailing-newline")]
    public async Task Signature_is_checked_over_the_bytes_as_sent(string variant)
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        var json = Meta.TextWebhook(NumberId, "16315551181", "wamid.bytes." + variant, "BODY");
        var body = variant switch
        {
            "unicode-escapes" => json.Replace("BODY", "Ol\\u00e1, \\u00e7\\u00e3o \\ud83d\\udc4b", StringComparison.Ordinal),
            "raw-utf8" => json.Replace("BODY", "Olá, ção 👋", StringComparison.Ordinal),
            "escaped-slashes" => json.Replace("BODY", "http:\\/\\/example.com\\/a", StringComparison.Ordinal),
            "crlf" => json.Replace("BODY", "Olá, ção 👋", StringComparison.Ordinal).Replace("{", "{\r\n  ", StringComparison.Ordinal),
            _ => json.Replace("BODY", "Olá, ção 👋", StringComparison.Ordinal) + "\n",
        };
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await App.WithDbAsync(db => db.Messages.SingleAsync());
        Assert.Equal(variant == "escaped-slashes" ? "http://example.com/a" : "Olá, ção 👋", stored.Text);
    }

    [SkippableTheory]
    [InlineData("missing")]
    [InlineData("tampered")]
    [InlineData("wrong-secret")]
    [InlineData("plain-sha256")]
    [InlineData("garbage")]
    public async Task Forged_or_unsigned_delivery_is_401_and_stores_nothing(string variant)
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        var body = Encoding.UTF8.GetBytes(Meta.TextWebhook(NumberId, "16315551181", "wamid.forged", "Send me the money"));
        var signature = variant switch
        {
            "missing" => null,
            "tampered" => Meta.Sign(Encoding.UTF8.GetBytes(Meta.TextWebhook(NumberId, "16315551181", "wamid.forged", "Hello")), Meta.AppSecret),
            "wrong-secret" => Meta.Sign(body, "not-the-secret"),
            "plain-sha256" => "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)),
            _ => "sha256=zz" + new string('0', 62),
        };
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(body, secret: null, signature: signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await CountMessagesAsync());
        Assert.Equal(0, await App.WithDbAsync(db => db.Conversations.CountAsync()));
    }

    [SkippableFact]
    public async Task Each_number_is_checked_with_its_own_app_secret()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync("111111111111111", appSecret: "secret-of-app-one");
        await admin.AddNumberAsync("222222222222222", appSecret: "secret-of-app-two");
        using var client = App.CreateClient();

        var one = await client.PostWebhookAsync(Meta.TextWebhook("111111111111111", "16315551181", "wamid.app1", "hi"), "secret-of-app-one");
        var two = await client.PostWebhookAsync(Meta.TextWebhook("222222222222222", "16315551181", "wamid.app2", "hi"), "secret-of-app-two");
        var crossed = await client.PostWebhookAsync(Meta.TextWebhook("222222222222222", "16315551181", "wamid.app3", "hi"), "secret-of-app-one");

        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, crossed.StatusCode);
        Assert.Equal(2, await CountMessagesAsync());
    }

    [SkippableFact]
    public async Task Redelivery_is_stored_once_even_reformatted_and_resigned()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        var json = Meta.TextWebhook(NumberId, "16315551181", "wamid.again", "Where is my order?");
        var reformatted = JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, new JsonSerializerOptions { WriteIndented = true });
        using var client = App.CreateClient();

        var first = await client.PostWebhookAsync(json);
        var second = await client.PostWebhookAsync(json);
        var third = await client.PostWebhookAsync(reformatted);

        Assert.All([first, second, third], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await CountMessagesAsync());
        var conversation = await App.WithDbAsync(db => db.Conversations.SingleAsync());
        Assert.Equal(1, conversation.InboundCount);
    }

    [SkippableTheory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task Delivery_is_read_whatever_content_type_it_claims(string? contentType)
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        var body = Encoding.UTF8.GetBytes(Meta.TextWebhook(NumberId, "16315551181", "wamid.ct", "hello"));
        using var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/meta-webhook") { Content = content };
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", Meta.Sign(body, Meta.AppSecret));
        using var client = App.CreateClient();

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await CountMessagesAsync());
    }

    [SkippableFact]
    public async Task Twenty_simultaneous_copies_store_one_message()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        var body = Encoding.UTF8.GetBytes(Meta.TextWebhook(NumberId, "16315551181", "wamid.race", "Hello?"));
        using var client = App.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.PostWebhookAsync(body)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await CountMessagesAsync());
        Assert.Equal(1, await App.WithDbAsync(db => db.Conversations.CountAsync()));
        Assert.Equal(1, (await App.WithDbAsync(db => db.Conversations.SingleAsync())).InboundCount);
    }

    [SkippableFact]
    public async Task One_delivery_with_several_entries_numbers_and_customers_is_stored_whole()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync("111111111111111");
        await admin.AddNumberAsync("222222222222222");
        static JsonElement Entry(string numberId, string from, string wamid, string text) =>
            JsonDocument.Parse(Meta.TextWebhook(numberId, from, wamid, text)).RootElement.GetProperty("entry")[0];
        var batch = JsonSerializer.Serialize(new
        {
            @object = "whatsapp_business_account",
            entry = new[]
            {
                Entry("111111111111111", "16315551181", "wamid.b1", "one"),
                Entry("111111111111111", "16315551182", "wamid.b2", "two"),
                Entry("222222222222222", "16315551181", "wamid.b3", "three"),
            },
        });
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(batch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, await CountMessagesAsync());
        Assert.Equal(3, await App.WithDbAsync(db => db.Conversations.CountAsync()));
    }

    [SkippableFact]
    public async Task Body_over_three_megabytes_is_413_and_a_two_megabyte_batch_passes()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        using var client = App.CreateClient();

        var statuses = Enumerable.Range(0, 9000).Select(i => new
        {
            id = $"wamid.status.{i:D6}", status = "delivered", timestamp = "1760000000", recipient_id = "16315551181",
        });
        var large = JsonSerializer.SerializeToUtf8Bytes(new
        {
            @object = "whatsapp_business_account",
            entry = new[]
            {
                new
                {
                    id = "1", changes = new[]
                    {
                        new { field = "messages", value = new { messaging_product = "whatsapp", metadata = new { display_phone_number = "1", phone_number_id = NumberId }, statuses } },
                    },
                },
            },
        });
        var padded = new byte[large.Length + (2 * 1024 * 1024 - large.Length)];
        large.CopyTo(padded, 0);
        Array.Fill(padded, (byte)' ', large.Length, padded.Length - large.Length);
        var tooLarge = new byte[(3 * 1024 * 1024) + 1];
        Array.Fill(tooLarge, (byte)' ');

        var legal = await client.PostWebhookAsync(padded);
        var refused = await client.PostWebhookAsync(tooLarge);

        Assert.Equal(HttpStatusCode.OK, legal.StatusCode);
        Assert.Equal(9000, await App.WithDbAsync(db => db.PendingStatusUpdates.CountAsync()));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
    }

    [SkippableTheory]
    [InlineData("{not json")]
    [InlineData("[{\"object\":\"whatsapp_business_account\"}]")]
    [InlineData("{\"object\":\"page\",\"entry\":[]}")]
    [InlineData("{\"object\":\"whatsapp_business_account\"}")]
    [InlineData("")]
    public async Task Malformed_or_foreign_payload_is_400_and_stores_nothing(string body)
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await CountMessagesAsync());
    }

    [SkippableFact]
    public async Task Delivery_for_an_unregistered_number_is_acknowledged_dropped_and_logged_once()
    {
        RequireDatabase();
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(Meta.TextWebhook("999999999999999", "16315551181", "wamid.stranger", "hi"), "any-secret");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await CountMessagesAsync());
        var warnings = App.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.Contains("999999999999999", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);
    }

    [SkippableFact]
    public async Task Message_without_id_is_skipped_and_the_rest_is_stored()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        var json = Meta.TextWebhook(NumberId, "16315551181", "wamid.keep", "kept");
        var doc = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        var messages = doc["entry"]![0]!["changes"]![0]!["value"]!["messages"]!.AsArray();
        messages.Add(System.Text.Json.Nodes.JsonNode.Parse("""{"from":"16315551181","timestamp":"1760000001","type":"text","text":{"body":"no id"}}"""));
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(doc.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await App.WithDbAsync(db => db.Messages.SingleAsync());
        Assert.Equal("kept", stored.Text);
    }

    [SkippableFact]
    public async Task Statuses_move_forward_only_and_wait_for_a_message_not_yet_stored()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var numberId = await admin.AddNumberAsync(NumberId);
        var outboundId = await App.WithDbAsync(async db =>
        {
            var conversation = Conversation.Start(numberId, "16315551181", null, DateTime.UtcNow);
            var message = Message.OutboundText(conversation, "Your order ships today.", null, DateTime.UtcNow);
            message.MarkSent("wamid.out1", DateTime.UtcNow);
            db.Conversations.Add(conversation);
            db.Messages.Add(message);
            await db.SaveChangesAsync();
            return message.Id;
        });
        using var client = App.CreateClient();
        string Status(string wamid, string status, long ts) => $$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
            "metadata":{"display_phone_number":"1","phone_number_id":"{{{NumberId}}}"},
            "statuses":[{"id":"{{{wamid}}}","status":"{{{status}}}","timestamp":"{{{ts}}}","recipient_id":"16315551181"}]}}]}]}
            """;

        await client.PostWebhookAsync(Status("wamid.out1", "read", 1_760_000_010));
        await client.PostWebhookAsync(Status("wamid.out1", "delivered", 1_760_000_005));
        await client.PostWebhookAsync(Status("wamid.not-yet", "delivered", 1_760_000_005));

        var message = await App.WithDbAsync(db => db.Messages.SingleAsync(m => m.Id == outboundId));
        Assert.Equal(MessageStatus.Read, message.Status);
        var kept = await App.WithDbAsync(db => db.PendingStatusUpdates.SingleAsync());
        Assert.Equal("wamid.not-yet", kept.WhatsAppMessageId);
        Assert.Equal(MessageStatus.Delivered, kept.Status);
    }

    [SkippableFact]
    public async Task Failed_status_records_metas_code_and_title()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var fixture = Meta.Fixture("wh_status_failed_131047_bindambc.json");
        var phoneNumberId = JsonDocument.Parse(fixture).RootElement.GetProperty("entry")[0].GetProperty("changes")[0]
            .GetProperty("value").GetProperty("metadata").GetProperty("phone_number_id").GetString()!;
        var numberId = await admin.AddNumberAsync(phoneNumberId);
        var wamid = JsonDocument.Parse(fixture).RootElement.GetProperty("entry")[0].GetProperty("changes")[0]
            .GetProperty("value").GetProperty("statuses")[0].GetProperty("id").GetString()!;
        await App.WithDbAsync(async db =>
        {
            var conversation = Conversation.Start(numberId, "5511111111111", null, DateTime.UtcNow);
            var message = Message.OutboundText(conversation, "Hi again", null, DateTime.UtcNow);
            message.MarkSent(wamid, DateTime.UtcNow);
            db.Conversations.Add(conversation);
            db.Messages.Add(message);
            return await db.SaveChangesAsync();
        });
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(fixture);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failed = await App.WithDbAsync(db => db.Messages.SingleAsync());
        Assert.Equal(MessageStatus.Failed, failed.Status);
        Assert.Equal("131047", failed.ErrorCode);
        Assert.False(string.IsNullOrEmpty(failed.ErrorTitle));
    }

    [SkippableFact]
    public async Task Webhook_level_errors_are_shown_on_the_number()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var numberId = await admin.AddNumberAsync("1234567890");
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(Meta.Fixture("wh_errors_webhook_level_courier.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var number = await admin.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{numberId}");
        Assert.Contains("unable to authenticate the app user", number.GetProperty("lastWebhookError").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountMessagesAsync());
    }

    [SkippableFact]
    public async Task Deleting_a_number_removes_its_conversations_and_messages_only()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var gone = await admin.AddNumberAsync("111111111111111");
        await admin.AddNumberAsync("222222222222222");
        using var client = App.CreateClient();
        await client.PostWebhookAsync(Meta.TextWebhook("111111111111111", "16315550001", "wamid.d1", "bye"));
        await client.PostWebhookAsync(Meta.TextWebhook("222222222222222", "16315550001", "wamid.d2", "stay"));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/whatsapp-numbers/{gone}")).StatusCode);

        var left = await App.WithDbAsync(db => db.Messages.AsNoTracking().Select(m => m.Text).ToListAsync());
        Assert.Equal(["stay"], left);
        Assert.Equal(1, await App.WithDbAsync(db => db.Conversations.CountAsync()));
        var redelivered = await client.PostWebhookAsync(Meta.TextWebhook("111111111111111", "16315550001", "wamid.d3", "again"));
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        Assert.Equal(1, await CountMessagesAsync());
    }

    [SkippableFact]
    public async Task Conversations_are_listed_newest_first_filtered_and_paged()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var first = await admin.AddNumberAsync("111111111111111");
        await admin.AddNumberAsync("222222222222222");
        using var client = App.CreateClient();
        await client.PostWebhookAsync(Meta.TextWebhook("111111111111111", "16315550001", "wamid.c1", "old", timestamp: 1_760_000_000));
        await client.PostWebhookAsync(Meta.TextWebhook("111111111111111", "16315550002", "wamid.c2", "new", timestamp: 1_760_000_100));
        await client.PostWebhookAsync(Meta.TextWebhook("222222222222222", "16315550003", "wamid.c3", "other", timestamp: 1_760_000_200));

        var all = await admin.GetFromJsonAsync<JsonElement>("/api/conversations");
        var filtered = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations?whatsAppNumberId={first}&page=1&pageSize=1");

        Assert.Equal(new[] { "16315550003", "16315550002", "16315550001" },
            all.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("customerKey").GetString()).ToArray());
        Assert.Equal(2, filtered.GetProperty("totalCount").GetInt32());
        Assert.Equal("16315550002", Assert.Single(filtered.GetProperty("items").EnumerateArray()).GetProperty("customerKey").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/conversations/{Guid.NewGuid()}/messages")).StatusCode);
    }
}

public sealed class WebhookIntakeOnSqlite(SqliteApp app) : WebhookIntakeTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class WebhookIntakeOnPostgres(PostgresApp app) : WebhookIntakeTests<PostgresApp>(app), IClassFixture<PostgresApp>;
