using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanAgent.Infrastructure.Audio;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.WebApi.FunctionalTests.Media;

/// <summary>
/// The issue's "done when", on both stores and both databases: a signed webhook with a voice note leads to the file
/// stored, its transcript in the history and the model's prompt, and the answer sent.
/// </summary>
public abstract class VoiceNoteTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : MediaTestApp
{
    private const string PhoneNumberId = "106540352242922";
    private const string Customer = "16315551181";

    [SkippableFact]
    public async Task Voice_note_is_stored_transcribed_shown_to_the_model_and_answered()
    {
        RequireDatabase();
        App.GraphAcceptsEverything();
        using var admin = App.CreateAdminClient();
        var agent = await admin.PostAsJsonAsync("/api/agents", new { name = "Bella", prompt = "You are Bella.", llmModel = "agent-model", sttModel = "agent-stt" });
        var agentId = (await agent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await admin.AddNumberAsync(PhoneNumberId, agentId: agentId);
        var note = MediaTestApp.VoiceNote();
        App.ServeMedia("media-voice-1", note, "audio/ogg; codecs=opus");
        App.SpeechTranscribes("Do you have a table for two tonight?");
        App.LlmAnswers("Yes, we have a table for two at 8 pm.");
        using var client = App.CreateClient();

        var webhook = MediaTestApp.MediaWebhook(PhoneNumberId, Customer, "wamid.VOICE1", "audio", new JsonObject
        {
            ["mime_type"] = "audio/ogg; codecs=opus",
            ["sha256"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(note)),
            ["id"] = "media-voice-1",
            ["voice"] = true,
        });
        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(webhook)).StatusCode);
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count == 1, "the answer was sent");

        Assert.Equal("Yes, we have a table for two at 8 pm.", App.SentTexts()[0].Text);
        var prompt = Assert.Single(App.LlmRequests()).GetProperty("messages").EnumerateArray().ToList();
        Assert.DoesNotContain("table for two tonight", prompt[0].GetProperty("content").ToString(), StringComparison.Ordinal);
        var userTurn = prompt[^1];
        Assert.Equal("user", userTurn.GetProperty("role").GetString());
        Assert.Contains("voice note, transcribed", userTurn.GetProperty("content").ToString(), StringComparison.Ordinal);
        Assert.Contains("Do you have a table for two tonight?", userTurn.GetProperty("content").ToString(), StringComparison.Ordinal);

        var transcription = Assert.Single(App.Speech.LogEntries).RequestMessage;
        Assert.Equal("Bearer sk-test-speech-key", transcription.Headers!["Authorization"].Single());
        var multipart = System.Text.Encoding.Latin1.GetString(transcription.BodyAsBytes ?? System.Text.Encoding.UTF8.GetBytes(transcription.Body ?? string.Empty));
        Assert.Contains("agent-stt", multipart, StringComparison.Ordinal);
        Assert.Matches("filename=\"?audio-[0-9a-f]{32}\\.ogg", multipart);
        Assert.DoesNotContain("audio.mp3", multipart, StringComparison.Ordinal);
        Assert.Contains("/v24.0/media-voice-1", App.MediaRequests());
        Assert.Contains("/files/media-voice-1", App.MediaRequests());

        var conversationId = (await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync())).Id;
        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
        var inbound = history.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("direction").GetString() == "Inbound");
        Assert.Equal("Stored", inbound.GetProperty("mediaStatus").GetString());
        Assert.Equal(note.Length, inbound.GetProperty("mediaSizeBytes").GetInt64());
        Assert.Equal("Do you have a table for two tonight?", inbound.GetProperty("transcript").GetString());
        Assert.Equal(JsonValueKind.Null, inbound.GetProperty("mediaError").ValueKind);

        var file = await admin.GetAsync($"/api/conversations/{conversationId}/messages/{inbound.GetProperty("id").GetGuid()}/media");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("audio/ogg; codecs=opus", file.Content.Headers.ContentType!.ToString());
        Assert.EndsWith(".ogg", file.Content.Headers.ContentDisposition!.FileNameStar ?? file.Content.Headers.ContentDisposition.FileName, StringComparison.Ordinal);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        Assert.Equal(note, bytes);
        Assert.Equal(TimeSpan.FromSeconds(1.5), OggOpus.Read(bytes).Duration);

        if (App.Store == "FileSystem")
        {
            Assert.True(File.Exists(Path.Combine(App.MediaRoot, MediaTestApp.Sha256Hex(note)[..2], MediaTestApp.Sha256Hex(note) + ".bin")));
        }
        else
        {
            Assert.False(Directory.Exists(App.MediaRoot));
        }
    }
}

public sealed class VoiceNoteOnSqliteFileSystem(SqliteFileSystemMediaApp app) : VoiceNoteTests<SqliteFileSystemMediaApp>(app), IClassFixture<SqliteFileSystemMediaApp>;

public sealed class VoiceNoteOnSqliteDatabase(SqliteDatabaseMediaApp app) : VoiceNoteTests<SqliteDatabaseMediaApp>(app), IClassFixture<SqliteDatabaseMediaApp>;

public sealed class VoiceNoteOnPostgresFileSystem(PostgresFileSystemMediaApp app) : VoiceNoteTests<PostgresFileSystemMediaApp>(app), IClassFixture<PostgresFileSystemMediaApp>;

public sealed class VoiceNoteOnPostgresDatabase(PostgresDatabaseMediaApp app) : VoiceNoteTests<PostgresDatabaseMediaApp>(app), IClassFixture<PostgresDatabaseMediaApp>;
