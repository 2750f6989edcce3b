using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanAgent.Domain.Conversations;
using CleanAgent.Infrastructure.Ai;
using CleanAgent.Application.Replies;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CleanAgent.WebApi.FunctionalTests.Media;

/// <summary>Media that cannot be kept as it is (expired url, wrong checksum, too large, unknown id, a failing speech server): recorded, and answered anyway.</summary>
public abstract class MediaDownloadTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : MediaTestApp
{
    private const string PhoneNumberId = "106540352242922";
    private const string Customer = "16315551181";

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8];

    private async Task<HttpClient> SetUpAsync()
    {
        App.GraphAcceptsEverything();
        App.LlmAnswers("Thanks, got it.");
        App.SpeechTranscribes("Hello from a voice note");
        var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(PhoneNumberId, agentId: await App.AddAgentAsync(admin));
        return admin;
    }

    private async Task<Message> SendAndWaitAsync(string wamid, string type, JsonObject media)
    {
        using var client = App.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(MediaTestApp.MediaWebhook(PhoneNumberId, Customer, wamid, type, media))).StatusCode);
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count == 1, "the answer was sent");
        return await App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.WhatsAppMessageId == wamid));
    }

    [SkippableFact]
    public async Task Expired_url_is_fetched_again_with_a_fresh_one_and_stored()
    {
        RequireDatabase();
        using var admin = await SetUpAsync();
        App.Graph.Given(Request.Create().WithPath("/v24.0/media-exp").UsingGet()).InScenario("url").WillSetStateTo("fresh")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(App.MediaInfo("media-exp", "/files/old", "image/png", MediaTestApp.Sha256Hex(Png), Png.Length)));
        App.Graph.Given(Request.Create().WithPath("/v24.0/media-exp").UsingGet()).InScenario("url").WhenStateIs("fresh")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(App.MediaInfo("media-exp", "/files/new", "image/png", MediaTestApp.Sha256Hex(Png), Png.Length)));
        App.Graph.Given(Request.Create().WithPath("/files/old").UsingGet()).RespondWith(Response.Create().WithStatusCode(404));
        App.Graph.Given(Request.Create().WithPath("/files/new").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/png").WithBody(Png));

        var message = await SendAndWaitAsync("wamid.EXP", "image", new JsonObject { ["id"] = "media-exp", ["mime_type"] = "image/png", ["caption"] = "my receipt" });

        Assert.Equal(MediaStatus.Stored, message.MediaStatus);
        Assert.Equal(["/v24.0/media-exp", "/files/old", "/v24.0/media-exp", "/files/new"], App.MediaRequests());
        var file = await admin.GetAsync($"/api/conversations/{message.ConversationId}/messages/{message.Id}/media");
        Assert.Equal(Png, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", file.Content.Headers.ContentType!.MediaType);
    }

    [SkippableFact]
    public async Task Sha256_mismatch_is_not_stored_and_says_why()
    {
        RequireDatabase();
        using var admin = await SetUpAsync();
        App.ServeMedia("media-bad", Png, "image/jpeg", sha256Hex: new string('0', 64));

        var message = await SendAndWaitAsync("wamid.BADSHA", "image", new JsonObject { ["id"] = "media-bad", ["mime_type"] = "image/jpeg" });

        Assert.Equal(MediaStatus.Failed, message.MediaStatus);
        Assert.Contains("sha256", message.MediaError, StringComparison.Ordinal);
        Assert.Null(message.MediaKey);
        var file = await admin.GetAsync($"/api/conversations/{message.ConversationId}/messages/{message.Id}/media");
        Assert.Equal(HttpStatusCode.NotFound, file.StatusCode);
        Assert.Equal("application/problem+json", file.Content.Headers.ContentType!.MediaType);
        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{message.ConversationId}/messages");
        var dto = history.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("direction").GetString() == "Inbound");
        Assert.Equal("Failed", dto.GetProperty("mediaStatus").GetString());
        Assert.Contains("sha256", dto.GetProperty("mediaError").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Webhook_sha256_in_base64_is_checked_when_the_endpoint_gives_none()
    {
        RequireDatabase();
        using var admin = await SetUpAsync();
        App.Graph.Given(Request.Create().WithPath("/v24.0/media-b64").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(JsonSerializer.Serialize(new { url = App.Graph.Url + "/files/b64", mime_type = "image/png", id = "media-b64" })));
        App.Graph.Given(Request.Create().WithPath("/files/b64").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/png").WithBody(Png));

        var message = await SendAndWaitAsync("wamid.B64", "image", new JsonObject
        {
            ["id"] = "media-b64", ["mime_type"] = "image/png", ["sha256"] = Convert.ToBase64String(new byte[32]),
        });

        Assert.Equal(MediaStatus.Failed, message.MediaStatus);
        Assert.Contains("sha256", message.MediaError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Oversize_file_is_kept_as_metadata_only_without_being_downloaded()
    {
        RequireDatabase();
        using var admin = await SetUpAsync();
        App.ServeMedia("media-big", Png, "image/jpeg", fileSize: 6L * 1024 * 1024);

        var message = await SendAndWaitAsync("wamid.BIG", "image", new JsonObject { ["id"] = "media-big", ["mime_type"] = "image/jpeg" });

        Assert.Equal(MediaStatus.Failed, message.MediaStatus);
        Assert.Equal(6L * 1024 * 1024, message.MediaSizeBytes);
        Assert.Contains("larger than", message.MediaError, StringComparison.Ordinal);
        Assert.DoesNotContain("/files/media-big", App.MediaRequests());
        Assert.Equal("image/jpeg", message.MimeType);
    }

    [SkippableFact]
    public async Task Mime_type_Meta_does_not_allow_is_kept_as_metadata_only()
    {
        RequireDatabase();
        using var admin = await SetUpAsync();
        App.ServeMedia("media-exe", Png, "application/x-msdownload");

        var message = await SendAndWaitAsync("wamid.EXE", "document", new JsonObject
        {
            ["id"] = "media-exe", ["mime_type"] = "application/x-msdownload", ["filename"] = "setup.exe",
        });

        Assert.Equal(MediaStatus.Failed, message.MediaStatus);
        Assert.Contains("does not allow", message.MediaError, StringComparison.Ordinal);
        Assert.DoesNotContain("/files/media-exe", App.MediaRequests());
    }

    [SkippableFact]
    public async Task Unknown_media_id_is_recorded_once_and_the_agent_still_answers()
    {
        RequireDatabase();
        using var admin = await SetUpAsync();
        App.Graph.Given(Request.Create().WithPath("/v24.0/media-gone").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"message":"Unsupported get request. Object with ID 'media-gone' does not exist","type":"GraphMethodException","code":100,"error_subcode":33}}"""));

        var message = await SendAndWaitAsync("wamid.GONE", "document", new JsonObject { ["id"] = "media-gone", ["mime_type"] = "application/pdf", ["filename"] = "menu.pdf" });

        Assert.Equal(MediaStatus.Failed, message.MediaStatus);
        Assert.Contains("100", message.MediaError, StringComparison.Ordinal);
        Assert.Single(App.MediaRequests());
        Assert.Contains("menu.pdf", Assert.Single(App.LlmRequests()).GetProperty("messages").ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Media_sent_by_url_only_is_fetched_the_same_way()
    {
        RequireDatabase();
        using var admin = await SetUpAsync();
        App.Graph.Given(Request.Create().WithPath("/files/url-only").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/png").WithBody(Png));

        var message = await SendAndWaitAsync("wamid.URL", "image", new JsonObject
        {
            ["url"] = App.Graph.Url + "/files/url-only", ["mime_type"] = "image/png", ["sha256"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Png)),
        });

        Assert.Equal(MediaStatus.Stored, message.MediaStatus);
        Assert.Equal(["/files/url-only"], App.MediaRequests());
        var auth = App.Graph.LogEntries.Single(e => e.RequestMessage.Path == "/files/url-only").RequestMessage.Headers!["Authorization"].Single();
        Assert.Equal($"Bearer {Meta.AccessToken}", auth);
    }

    [SkippableFact]
    public async Task Transcription_failing_then_recovering_ends_with_the_transcript()
    {
        RequireDatabase();
        using var admin = await SetUpAsync();
        var note = MediaTestApp.VoiceNote(1);
        App.ServeMedia("media-stt", note, "audio/ogg");
        App.Speech.Reset();
        App.Speech.Given(Request.Create().WithPath("/v1/audio/transcriptions").UsingPost()).InScenario("stt").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("""{"error":{"message":"loading model"}}"""));
        App.Speech.Given(Request.Create().WithPath("/v1/audio/transcriptions").UsingPost()).InScenario("stt").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"text":"I would like to book"}"""));

        var message = await SendAndWaitAsync("wamid.STT", "audio", new JsonObject { ["id"] = "media-stt", ["mime_type"] = "audio/ogg", ["voice"] = true });

        Assert.Equal("I would like to book", message.Transcript);
        Assert.Null(message.MediaError);
        Assert.Equal(2, App.Speech.LogEntries.Count());
        Assert.Single(App.MediaRequests(), p => p == "/files/media-stt");
        Assert.Contains("I would like to book", Assert.Single(App.LlmRequests()).GetProperty("messages").ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Speech_server_answering_garbage_is_recorded_and_the_agent_answers_without_the_transcript()
    {
        RequireDatabase();
        using var admin = await SetUpAsync();
        App.ServeMedia("media-garbage", MediaTestApp.VoiceNote(1), "audio/ogg");
        App.Speech.Reset();
        App.Speech.Given(Request.Create().WithPath("/v1/audio/transcriptions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("<html>not a transcript</html>"));

        var message = await SendAndWaitAsync("wamid.GARBAGE", "audio", new JsonObject { ["id"] = "media-garbage", ["mime_type"] = "audio/ogg", ["voice"] = true });

        Assert.Equal(MediaStatus.Stored, message.MediaStatus);
        Assert.Null(message.Transcript);
        Assert.StartsWith("Transcription failed", message.MediaError, StringComparison.Ordinal);
        Assert.Contains(InboundRendering.UnheardVoiceNote, Assert.Single(App.LlmRequests()).GetProperty("messages").ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Media_route_answers_404_for_unknown_ids_and_messages_without_a_file()
    {
        RequireDatabase();
        using var admin = await SetUpAsync();
        using var client = App.CreateClient();
        await client.PostWebhookAsync(Meta.TextWebhook(PhoneNumberId, Customer, "wamid.TXT", "hello", timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count == 1, "the answer was sent");
        var text = await App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.WhatsAppMessageId == "wamid.TXT"));

        foreach (var url in new[]
        {
            $"/api/conversations/{text.ConversationId}/messages/{text.Id}/media",
            $"/api/conversations/{text.ConversationId}/messages/{Guid.NewGuid()}/media",
            $"/api/conversations/{Guid.NewGuid()}/messages/{text.Id}/media",
        })
        {
            var response = await admin.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }

        using var anonymous = App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/conversations/{text.ConversationId}/messages/{text.Id}/media")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/conversations/{text.ConversationId}/messages/not-a-guid/media")).StatusCode);
    }
}

public sealed class MediaDownloadOnSqliteFileSystem(SqliteFileSystemMediaApp app) : MediaDownloadTests<SqliteFileSystemMediaApp>(app), IClassFixture<SqliteFileSystemMediaApp>;

public sealed class MediaDownloadOnPostgresDatabase(PostgresDatabaseMediaApp app) : MediaDownloadTests<PostgresDatabaseMediaApp>(app), IClassFixture<PostgresDatabaseMediaApp>;

/// <summary>With <c>Speech:Provider=None</c> a voice note is stored, and the model is told it cannot hear it: never silence.</summary>
public sealed class UnheardVoiceNoteTests(SqliteNoSpeechApp app) : DatabaseTest<SqliteNoSpeechApp>(app), IClassFixture<SqliteNoSpeechApp>
{
    [SkippableFact]
    public async Task Model_is_told_a_voice_note_arrived_that_it_cannot_hear()
    {
        RequireDatabase();
        App.GraphAcceptsEverything();
        App.LlmAnswers("Sorry, I can't listen to voice notes; could you type it?");
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync("106540352242922", agentId: await App.AddAgentAsync(admin));
        App.ServeMedia("media-none", MediaTestApp.VoiceNote(1), "audio/ogg");
        using var client = App.CreateClient();

        await client.PostWebhookAsync(MediaTestApp.MediaWebhook("106540352242922", "16315551181", "wamid.NONE", "audio",
            new JsonObject { ["id"] = "media-none", ["mime_type"] = "audio/ogg", ["voice"] = true }));
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count == 1, "the answer was sent");

        Assert.Contains(InboundRendering.UnheardVoiceNote, Assert.Single(App.LlmRequests()).GetProperty("messages").ToString(), StringComparison.Ordinal);
        Assert.Empty(App.Speech.LogEntries);
        var message = await App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.WhatsAppMessageId == "wamid.NONE"));
        Assert.Equal(MediaStatus.Stored, message.MediaStatus);
        Assert.Null(message.Transcript);
    }
}

public sealed class OfflineUnheardVoiceNoteTests(SqliteOfflineNoSpeechApp app) : DatabaseTest<SqliteOfflineNoSpeechApp>(app), IClassFixture<SqliteOfflineNoSpeechApp>
{
    [SkippableFact]
    public async Task Offline_responder_asks_the_customer_to_type()
    {
        RequireDatabase();
        App.GraphAcceptsEverything();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync("106540352242922", agentId: await App.AddAgentAsync(admin));
        App.ServeMedia("media-offline", MediaTestApp.VoiceNote(1), "audio/ogg");
        using var client = App.CreateClient();

        await client.PostWebhookAsync(MediaTestApp.MediaWebhook("106540352242922", "16315551181", "wamid.OFFLINE", "audio",
            new JsonObject { ["id"] = "media-offline", ["mime_type"] = "audio/ogg", ["voice"] = true }));
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count == 1, "the answer was sent");

        Assert.Equal(OfflineReplyGenerator.VoiceNoteReply, App.SentTexts()[0].Text);
    }
}
