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
        Assert.Equal("Bearer fake-test-speech-key", transcription.Headers!["Authorization"].Single());
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

    [SkippableFact]
    public async Task With_voice_replies_a_voice_note_is_answered_with_an_uploaded_ogg_opus_voice_note_that_is_then_played()
    {
        RequireDatabase();
        App.GraphAcceptsEverything();
        App.GraphAcceptsUploads();
        using var admin = App.CreateAdminClient();
        var agent = await HttpAssert.JsonAsync(await admin.PostAsJsonAsync("/api/agents", new
        {
            name = "Bella", prompt = "You are Bella.", ttsModel = "agent-tts", ttsVoice = "nova", voiceReplies = "WhenCustomerSpeaks",
        }), HttpStatusCode.Created);
        Assert.Equal("WhenCustomerSpeaks", agent.GetProperty("voiceReplies").GetString());
        await admin.AddNumberAsync(PhoneNumberId, agentId: agent.GetProperty("id").GetGuid());
        var note = MediaTestApp.VoiceNote();
        App.ServeMedia("media-voice-2", note, "audio/ogg; codecs=opus");
        App.SpeechTranscribes("Are you open on Sunday?");
        // The speech server answers WAV at 22.05 kHz although Ogg Opus was asked for: it is converted before the upload.
        App.SpeechSpeaks(WavFile.Write(Tone(22050, seconds: 2), 22050), "audio/wav");
        App.LlmAnswers("Yes, we are open on Sunday from noon.");
        using var client = App.CreateClient();

        var webhook = MediaTestApp.MediaWebhook(PhoneNumberId, Customer, "wamid.VOICE2", "audio", new JsonObject
        {
            ["mime_type"] = "audio/ogg; codecs=opus",
            ["sha256"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(note)),
            ["id"] = "media-voice-2",
            ["voice"] = true,
        });
        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(webhook)).StatusCode);
        await ReplyTestApp.EventuallyAsync(async () => App.SentAudios().Count == 1, "the voice note was sent");

        Assert.Empty(App.SentTexts());
        var speech = Assert.Single(App.SpeechRequests());
        Assert.Equal("Yes, we are open on Sunday from noon.", speech.GetProperty("input").GetString());
        Assert.Equal("agent-tts", speech.GetProperty("model").GetString());
        Assert.Equal("nova", speech.GetProperty("voice").GetString());
        Assert.Equal("opus", speech.GetProperty("response_format").GetString());
        var upload = Assert.Single(await App.UploadsAsync());
        Assert.Equal($"/v24.0/{PhoneNumberId}/media", upload.Path);
        Assert.Equal("whatsapp", upload.Fields["messaging_product"]);
        Assert.Equal("audio/ogg", upload.Fields["type"]);
        Assert.Equal("audio/ogg", upload.FileType);
        Assert.InRange(upload.File.Length, 1, 512 * 1024);
        var ogg = OggOpus.Read(upload.File);
        Assert.Equal(1, ogg.Channels);
        Assert.True(ogg.Ended);
        Assert.InRange(ogg.Duration.TotalSeconds, 1.99, 2.01);
        var audio = App.SentAudios()[0];
        Assert.Equal(Customer, audio.GetProperty("to").GetString());
        Assert.Equal("uploaded-1", audio.GetProperty("audio").GetProperty("id").GetString());
        Assert.True(audio.GetProperty("audio").GetProperty("voice").GetBoolean());

        var conversationId = (await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync())).Id;
        var outbound = await ReplyTestApp.EventuallyReadAsync(
            async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages"))
                .GetProperty("items").EnumerateArray().Single(m => m.GetProperty("direction").GetString() == "Outbound"),
            m => m.GetProperty("status").GetString() == "Sent",
            "the voice note is recorded as sent");
        Assert.Equal("audio", outbound.GetProperty("type").GetString());
        Assert.Equal("Yes, we are open on Sunday from noon.", outbound.GetProperty("transcript").GetString());
        Assert.Equal("Stored", outbound.GetProperty("mediaStatus").GetString());
        Assert.Equal(upload.File.Length, outbound.GetProperty("mediaSizeBytes").GetInt64());
        var file = await admin.GetAsync($"/api/conversations/{conversationId}/messages/{outbound.GetProperty("id").GetGuid()}/media");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(upload.File, await file.Content.ReadAsByteArrayAsync());

        var wamid = outbound.GetProperty("whatsAppMessageId").GetString()!;
        foreach (var status in new[] { "delivered", "read", "played" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(MediaTestApp.StatusWebhook(PhoneNumberId, Customer, wamid, status))).StatusCode);
        }

        await ReplyTestApp.EventuallyReadAsync(
            () => App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.WhatsAppMessageId == wamid)),
            m => m.Status == Domain.Conversations.MessageStatus.Played,
            "the voice note is played");
    }

    internal static short[] Tone(int sampleRate, double seconds)
    {
        var pcm = new short[(int)(sampleRate * seconds)];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 220 * i / sampleRate));
        }

        return pcm;
    }
}

public sealed class VoiceNoteOnSqliteFileSystem(SqliteFileSystemMediaApp app) : VoiceNoteTests<SqliteFileSystemMediaApp>(app), IClassFixture<SqliteFileSystemMediaApp>;

public sealed class VoiceNoteOnSqliteDatabase(SqliteDatabaseMediaApp app) : VoiceNoteTests<SqliteDatabaseMediaApp>(app), IClassFixture<SqliteDatabaseMediaApp>;

public sealed class VoiceNoteOnPostgresFileSystem(PostgresFileSystemMediaApp app) : VoiceNoteTests<PostgresFileSystemMediaApp>(app), IClassFixture<PostgresFileSystemMediaApp>;

public sealed class VoiceNoteOnPostgresDatabase(PostgresDatabaseMediaApp app) : VoiceNoteTests<PostgresDatabaseMediaApp>(app), IClassFixture<PostgresDatabaseMediaApp>;
