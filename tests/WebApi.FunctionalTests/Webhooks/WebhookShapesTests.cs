using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanAgent.Domain.Conversations;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.WebApi.FunctionalTests.Webhooks;

/// <summary>
/// The payload shapes Meta sends in 2026 beyond plain messages, written from Meta's webhook reference (messages: system,
/// edit, revoke; smb_message_echoes; history; calls; user_preferences; account_update, message_template_status_update,
/// phone_number_quality_update).
/// </summary>
public abstract class WebhookShapesTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    private const string NumberId = "106540352242922";
    private const string WabaId = "102290129340398";

    [SkippableFact]
    public async Task Bsuid_rotation_with_a_message_following_in_the_same_post_keeps_the_conversation()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        using var client = App.CreateClient();
        await PostOkAsync(client, Messages("""
            "contacts": [{"profile": {"name": "Kerry", "username": "kfisher"}, "user_id": "US.1111", "parent_user_id": "US.ENT.9"}],
            "messages": [{"from_user_id": "US.1111", "id": "wamid.bsuid.1", "timestamp": "1760000000", "type": "text", "text": {"body": "hi"}}]
            """));

        // The change has no "from" at all, and the customer's next message rides in the same POST under the new id.
        await PostOkAsync(client, Messages("""
            "contacts": [{"profile": {"name": "Kerry"}, "user_id": "US.2222"}],
            "messages": [
              {"from_user_id": "US.2222", "id": "wamid.bsuid.3", "timestamp": "1760000200", "type": "text", "text": {"body": "it's me again"}},
              {"id": "wamid.bsuid.2", "timestamp": "1760000100", "type": "system",
               "system": {"body": "User changed their user id", "type": "user_changed_user_id", "previous_user_id": "US.1111", "user_id": "US.2222"}}
            ]
            """));

        var conversation = await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync());
        Assert.Equal("US.2222", conversation.CustomerKey);
        Assert.Equal("US.2222", conversation.CustomerUserId);
        Assert.Equal("kfisher", conversation.CustomerUsername);
        Assert.Equal("US.ENT.9", conversation.CustomerParentUserId);
        Assert.Equal(3, conversation.InboundCount);
        var types = await App.WithDbAsync(db => db.Messages.Where(m => m.ConversationId == conversation.Id).OrderBy(m => m.Timestamp).Select(m => m.Type).ToListAsync());
        Assert.Equal(["text", "system", "text"], types);
    }

    [SkippableFact]
    public async Task A_changed_number_merges_the_new_numbers_conversation_into_the_older_one()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        using var client = App.CreateClient();
        await PostOkAsync(client, Meta.TextWebhook(NumberId, "16315550001", "wamid.old.1", "from my old phone", timestamp: 1_760_000_000));
        var older = await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync());
        await PostOkAsync(client, Meta.TextWebhook(NumberId, "16315550002", "wamid.new.1", "from my new phone", timestamp: 1_760_000_100));

        await PostOkAsync(client, Messages("""
            "messages": [{"from": "16315550001", "id": "wamid.change.1", "timestamp": "1760000200", "type": "system",
              "system": {"body": "Ana changed from 16315550001 to 16315550002", "wa_id": "16315550002", "type": "user_changed_number"}}]
            """));

        var conversation = await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync());
        Assert.Equal(older.Id, conversation.Id);
        Assert.Equal("16315550002", conversation.CustomerKey);
        Assert.Equal("16315550002", conversation.CustomerWaId);
        Assert.Equal(3, conversation.InboundCount);
        Assert.Equal(3, await App.WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == older.Id)));

        // The next message under the new number lands in the same conversation.
        await PostOkAsync(client, Meta.TextWebhook(NumberId, "16315550002", "wamid.new.2", "still me", timestamp: 1_760_000_300));
        Assert.Equal(1, await App.WithDbAsync(db => db.Conversations.CountAsync()));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_edit_shows_the_new_text_keeps_the_original_and_is_never_answered(bool editArrivesFirst)
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        using var client = App.CreateClient();
        var original = Meta.TextWebhook(NumberId, "16315551181", "wamid.orig", "I want 2 pizzas", timestamp: 1_760_000_000);
        var edit = Messages("""
            "contacts": [{"profile": {"name": "Ana"}, "wa_id": "16315551181"}],
            "messages": [{"from": "16315551181", "id": "wamid.edit.1", "timestamp": "1760000060", "type": "edit",
              "edit": {"original_message_id": "wamid.orig", "message": {"type": "text", "text": {"body": "I want 3 pizzas"}}}}]
            """);

        foreach (var json in editArrivesFirst ? new[] { edit, original, edit } : [original, edit, edit])
        {
            await PostOkAsync(client, json);
        }

        var messages = await MessagesAsync(admin);
        var edited = messages.Single(m => m.GetProperty("whatsAppMessageId").GetString() == "wamid.orig");
        Assert.Equal("I want 3 pizzas", edited.GetProperty("text").GetString());
        Assert.Equal("I want 2 pizzas", edited.GetProperty("originalText").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_760_000_060).UtcDateTime, edited.GetProperty("editedAt").GetDateTime().ToUniversalTime());
        Assert.Equal(2, messages.Count);
        var editRow = await App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.WhatsAppMessageId == "wamid.edit.1"));
        Assert.False(editRow.NeedsReply);
        Assert.Equal(1, await App.WithDbAsync(db => db.Messages.CountAsync(m => m.NeedsReply)));
    }

    [SkippableFact]
    public async Task A_revoke_marks_the_message_deleted_and_is_never_answered()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        using var client = App.CreateClient();
        await PostOkAsync(client, Meta.TextWebhook(NumberId, "16315551181", "wamid.oops", "wrong chat", timestamp: 1_760_000_000));

        await PostOkAsync(client, Messages("""
            "messages": [{"from": "16315551181", "id": "wamid.revoke.1", "timestamp": "1760000030", "type": "revoke",
              "revoke": {"original_message_id": "wamid.oops"}}]
            """));

        var revoked = (await MessagesAsync(admin)).Single(m => m.GetProperty("whatsAppMessageId").GetString() == "wamid.oops");
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_760_000_030).UtcDateTime, revoked.GetProperty("revokedAt").GetDateTime().ToUniversalTime());
        Assert.False((await App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.WhatsAppMessageId == "wamid.revoke.1"))).NeedsReply);
    }

    [SkippableFact]
    public async Task An_echo_is_stored_as_the_business_apps_outbound_message_and_a_shared_wamid_is_stored_once()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        using var client = App.CreateClient();
        var echo = Envelope("smb_message_echoes", Value("""
            "message_echoes": [{"from": "16505553333", "to": "16315551181", "id": "wamid.echo.1", "timestamp": "1760000000",
              "type": "text", "text": {"body": "Typed on my phone"}}]
            """));

        await PostOkAsync(client, echo);
        await PostOkAsync(client, echo);
        var inboundSameId = await client.PostWebhookAsync(Meta.TextWebhook(NumberId, "16315551181", "wamid.echo.1", "same id"));

        Assert.Equal(HttpStatusCode.OK, inboundSameId.StatusCode);
        Assert.Equal(1, (await inboundSameId.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates").GetInt32());
        var message = Assert.Single(await MessagesAsync(admin));
        Assert.Equal("Outbound", message.GetProperty("direction").GetString());
        Assert.Equal("business-app", message.GetProperty("sentBy").GetString());
        Assert.Equal("Sent", message.GetProperty("status").GetString());
        Assert.Equal("Typed on my phone", message.GetProperty("text").GetString());
        var conversation = await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync());
        Assert.Equal("16315551181", conversation.CustomerKey);
        Assert.Equal(1, conversation.OutboundCount);
        Assert.Null(conversation.ReplyRequestedAt);
    }

    [SkippableFact]
    public async Task History_sync_delivered_twice_is_imported_once_and_never_answered()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        using var client = App.CreateClient();
        var history = Envelope("history", Value("""
            "history": [{"metadata": {"phase": 0, "chunk_order": 1, "progress": 100},
              "threads": [{"id": "16315551181", "messages": [
                {"from": "16315551181", "id": "wamid.h.1", "timestamp": "1759990000", "type": "text", "text": {"body": "Are you open?"},
                 "history_context": {"status": "READ"}},
                {"from": "16505553333", "to": "16315551181", "id": "wamid.h.2", "timestamp": "1759990060", "type": "text",
                 "text": {"body": "Yes, until 8"}, "history_context": {"status": "READ"}}]}]}]
            """));

        var first = await PostOkAsync(client, history);
        var second = await PostOkAsync(client, history);

        Assert.Equal(2, first.GetProperty("messagesStored").GetInt32());
        Assert.Equal(2, second.GetProperty("duplicates").GetInt32());
        var messages = await MessagesAsync(admin);
        Assert.Equal(["Inbound", "Outbound"], messages.Select(m => m.GetProperty("direction").GetString()));
        Assert.Equal("Read", messages[1].GetProperty("status").GetString());
        Assert.Equal("business-app", messages[1].GetProperty("sentBy").GetString());
        Assert.Equal(0, await App.WithDbAsync(db => db.Messages.CountAsync(m => m.NeedsReply)));
        Assert.Null((await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync())).ReplyRequestedAt);
    }

    [SkippableFact]
    public async Task A_customers_call_is_one_call_message_with_its_status_and_duration_and_opens_the_window()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        using var client = App.CreateClient();
        var connect = Envelope("calls", Value("""
            "contacts": [{"profile": {"name": "Ana"}, "wa_id": "16315551181"}],
            "calls": [{"id": "wacid.ABC123", "from": "16315551181", "to": "16505553333", "event": "connect", "timestamp": "1760000000",
              "direction": "USER_INITIATED", "session": {"sdp_type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}}]
            """));
        var terminate = Envelope("calls", Value("""
            "calls": [{"id": "wacid.ABC123", "from": "16315551181", "to": "16505553333", "event": "terminate", "timestamp": "1760000040",
              "direction": "USER_INITIATED", "status": "Completed", "start_time": "1760000005", "end_time": "1760000038", "duration": 33}]
            """));

        await PostOkAsync(client, terminate);
        await PostOkAsync(client, connect);
        await PostOkAsync(client, connect);

        var call = Assert.Single(await MessagesAsync(admin));
        Assert.Equal("call", call.GetProperty("type").GetString());
        Assert.Equal("Inbound", call.GetProperty("direction").GetString());
        Assert.Equal("completed", call.GetProperty("callStatus").GetString());
        Assert.Equal(33, call.GetProperty("callDurationSeconds").GetInt32());
        var stored = await App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync());
        Assert.Contains("sdp_type", stored.RawJson, StringComparison.Ordinal);
        Assert.False(stored.NeedsReply);
        var conversation = await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_760_000_040).UtcDateTime, conversation.LastInboundAt);
        Assert.Null(conversation.ReplyRequestedAt);
    }

    [SkippableFact]
    public async Task Statuses_of_a_call_the_business_placed_update_its_call_message()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        using var client = App.CreateClient();

        foreach (var status in new[] { "ACCEPTED", "RINGING" })
        {
            await PostOkAsync(client, Envelope("calls", Value($$"""
                "statuses": [{"id": "wacid.OUT1", "timestamp": "1760000000", "type": "call", "status": "{{status}}", "recipient_id": "16315551181"}]
                """)));
        }

        var call = Assert.Single(await MessagesAsync(admin));
        Assert.Equal("Outbound", call.GetProperty("direction").GetString());
        Assert.Equal("accepted", call.GetProperty("callStatus").GetString());
    }

    [SkippableFact]
    public async Task A_marketing_opt_out_is_kept_on_the_customer_and_an_older_resume_does_not_undo_it()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        using var client = App.CreateClient();
        await PostOkAsync(client, Meta.TextWebhook(NumberId, "16315551181", "wamid.pref.1", "hello"));

        await PostOkAsync(client, Preference("stop", 1_760_000_500));
        await PostOkAsync(client, Preference("resume", 1_760_000_400));

        var conversations = await admin.GetFromJsonAsync<JsonElement>("/api/conversations");
        var conversation = Assert.Single(conversations.GetProperty("items").EnumerateArray());
        Assert.True(conversation.GetProperty("marketingOptOut").GetBoolean());

        static string Preference(string value, long at) => Envelope("user_preferences", Value($$"""
            "contacts": [{"profile": {"name": "Ana"}, "wa_id": "16315551181"}],
            "user_preferences": [{"wa_id": "16315551181", "detail": "User requested to {{value}} marketing messages",
              "category": "marketing_messages", "value": "{{value}}", "timestamp": {{at}}}]
            """));
    }

    [SkippableFact]
    public async Task Account_events_reach_the_numbers_of_their_account_and_are_listed_newest_first()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var byWaba = await admin.AddNumberAsync(NumberId, wabaId: WabaId);
        var byBusinessId = await admin.AddNumberAsync("206540352242922", businessId: "555000111");
        var otherAccount = await admin.AddNumberAsync("306540352242922", wabaId: "777000111");
        using var client = App.CreateClient();

        await PostOkAsync(client, Envelope("phone_number_quality_update",
            """{"display_phone_number": "16505553333", "event": "FLAGGED", "current_limit": "TIER_10K"}"""));
        await PostOkAsync(client, Envelope("message_template_status_update",
            """{"event": "APPROVED", "message_template_id": 905507062668800, "message_template_name": "order_update", "message_template_language": "en_US", "reason": "NONE"}"""));
        await PostOkAsync(client, Envelope("account_update", """{"event": "VERIFIED_ACCOUNT"}""", accountId: "555000111"));
        await PostOkAsync(client, Envelope("some_field_from_2027", Value("\"surprise\": [1, 2]")));
        var wrongSignature = await client.PostWebhookAsync(Envelope("account_update", """{"event": "DISABLED_UPDATE"}"""), secret: "not-the-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongSignature.StatusCode);
        var events = await admin.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{byWaba}/events");
        Assert.Equal(3, events.GetProperty("totalCount").GetInt32());
        var fields = events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Equal(["some_field_from_2027", "message_template_status_update", "phone_number_quality_update"], fields);
        var quality = events.GetProperty("items")[2];
        Assert.Equal("FLAGGED", quality.GetProperty("event").GetString());
        Assert.Contains("TIER_10K", quality.GetProperty("value").GetString(), StringComparison.Ordinal);
        var number = await admin.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{byWaba}");
        Assert.Equal(WabaId, number.GetProperty("wabaId").GetString());
        Assert.Equal("some_field_from_2027", number.GetProperty("lastEventField").GetString());
        var businessEvents = await admin.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{byBusinessId}/events");
        Assert.Equal("VERIFIED_ACCOUNT", Assert.Single(businessEvents.GetProperty("items").EnumerateArray()).GetProperty("event").GetString());
        var none = await admin.GetFromJsonAsync<JsonElement>($"/api/whatsapp-numbers/{otherAccount}/events");
        Assert.Equal(0, none.GetProperty("totalCount").GetInt32());
        Assert.Equal(0, await App.WithDbAsync(db => db.Messages.CountAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/whatsapp-numbers/{Guid.NewGuid()}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/whatsapp-numbers/{byWaba}/events?pageSize=0")).StatusCode);
    }

    [SkippableFact]
    public async Task Messages_without_a_usable_sender_are_kept_unanswered_and_only_an_unstorable_id_is_skipped()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        using var client = App.CreateClient();
        var tooLongId = "wamid." + new string('x', 300);

        var receipt = await PostOkAsync(client, Messages($$"""
            "messages": [
              {"id": "wamid.nobody", "timestamp": "1760000000", "type": "text", "text": {"body": "who am I"} },
              {"from": "{{new string('9', 200)}}", "id": "wamid.toolong", "timestamp": "1760000001", "type": "text", "text": {"body": "long sender"} },
              {"from": "16315551181", "id": "{{tooLongId}}", "timestamp": "1760000002", "type": "text", "text": {"body": "long id"} }
            ]
            """));

        Assert.Equal(2, receipt.GetProperty("messagesStored").GetInt32());
        var conversation = await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync());
        Assert.Equal(Conversation.UnidentifiedCustomerKey, conversation.CustomerKey);
        Assert.Equal(2, conversation.InboundCount);
        Assert.Null(conversation.ReplyRequestedAt);
    }

    [SkippableFact]
    public async Task A_waba_id_that_is_not_digits_is_refused()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var body = Numbers.ValidBody();
        body["wabaId"] = "WABA-1";

        var response = await admin.PostAsJsonAsync("/api/whatsapp-numbers", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("wabaId", out _));
        Assert.Equal(0, await App.WithDbAsync(db => db.WhatsAppNumbers.CountAsync()));
    }

    private static string Envelope(string field, string value, string accountId = WabaId) =>
        $$"""{"object": "whatsapp_business_account", "entry": [{"id": "{{accountId}}", "changes": [{"field": "{{field}}", "value": """ + value + "}]}]}";

    private static string Value(string inner) =>
        $$"""{"messaging_product": "whatsapp", "metadata": {"display_phone_number": "16505553333", "phone_number_id": "{{NumberId}}"}, """ + inner + "}";

    private static string Messages(string inner) => Envelope("messages", Value(inner));

    private static async Task<JsonElement> PostOkAsync(HttpClient client, string json)
    {
        var response = await client.PostWebhookAsync(json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<List<JsonElement>> MessagesAsync(HttpClient admin)
    {
        var conversationId = await App.WithDbAsync(db => db.Conversations.Select(c => c.Id).SingleAsync());
        var messages = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
        return messages.GetProperty("items").EnumerateArray().ToList();
    }
}

public sealed class WebhookShapesOnSqlite(SqliteApp app) : WebhookShapesTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class WebhookShapesOnPostgres(PostgresApp app) : WebhookShapesTests<PostgresApp>(app), IClassFixture<PostgresApp>;
