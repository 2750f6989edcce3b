using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanAgent.Infrastructure.Audio;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CleanAgent.WebApi.FunctionalTests.Media;

/// <summary>
/// Voice replies beyond the happy path (which <see cref="VoiceNoteTests{TApp}"/> runs on both stores and databases):
/// failing speech, long answers, and sandbox numbers. The speech server and Meta are faked at the HTTP level.
/// </summary>
public sealed class VoiceReplyTests(SqliteFileSystemMediaApp app) : DatabaseTest<SqliteFileSystemMediaApp>(app), IClassFixture<SqliteFileSystemMediaApp>
{
    private const string PhoneNumberId = "106540352242933";
    private const string Customer = "16315551182";

    [Fact]
    public async Task When_speech_fails_the_text_goes_out_and_the_reason_is_recorded()
    {
        await ArrangeAsync("Always");
        App.SpeechFails(500);
        App.LlmAnswers("We open at noon.");

        await CustomerWritesAsync("wamid.TEXT1", "When do you open?");
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count == 1, "the text was sent");

        Assert.Equal("We open at noon.", App.SentTexts()[0].Text);
        Assert.Empty(App.SentAudios());
        Assert.Empty(await App.UploadsAsync());
        Assert.Single(App.SpeechRequests());
        var outbound = await OutboundAsync();
        var message = Assert.Single(outbound);
        Assert.Equal("text", message.GetProperty("type").GetString());
        Assert.Equal("Failed", message.GetProperty("mediaStatus").GetString());
        Assert.Contains("speech failed", message.GetProperty("mediaError").GetString(), StringComparison.Ordinal);
        Assert.Contains("HTTP 500", message.GetProperty("mediaError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_note_too_big_for_the_play_button_is_said_in_shorter_notes_cut_at_sentences()
    {
        await ArrangeAsync("Always");
        // A slow speaker: long inputs come back over 512 KB, short ones small.
        App.Speech.Given(Request.Create().WithPath("/v1/audio/speech").UsingPost())
            .RespondWith(Response.Create().WithCallback(request => new WireMock.ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("audio/ogg") },
                BodyData = new WireMock.Util.BodyData
                {
                    DetectedBodyType = WireMock.Types.BodyType.Bytes,
                    BodyAsBytes = OggOpusOfSize(JsonDocument.Parse(request.Body!).RootElement.GetProperty("input").GetString()!.Length > 400 ? 600_000 : 50_000),
                },
            }));
        var sentences = Enumerable.Range(1, 6).Select(i => $"Sentence number {i} tells the customer one more thing about the menu, the prices and the hours.").ToList();
        var answer = string.Join(" ", sentences);
        App.LlmAnswers(answer);

        await CustomerWritesAsync("wamid.TEXT2", "Tell me everything.");
        await ReplyTestApp.EventuallyAsync(async () => App.SentAudios().Count == 3, "three voice notes were sent");

        var spoken = App.SpeechRequests().Select(r => r.GetProperty("input").GetString()!).ToList();
        Assert.Equal(4, spoken.Count);
        Assert.Equal(answer, spoken[0]);
        Assert.Equal(answer, string.Join(" ", spoken.Skip(1)));
        Assert.All(spoken.Skip(1), s => Assert.InRange(s.Length, 1, (answer.Length / 2) + 1));
        Assert.All(spoken.Skip(1), s => Assert.EndsWith("hours.", s, StringComparison.Ordinal));
        var uploads = await App.UploadsAsync();
        Assert.Equal(3, uploads.Count);
        Assert.All(uploads, u => Assert.InRange(u.File.Length, 1, 512 * 1024));
        Assert.Equal(["uploaded-1", "uploaded-2", "uploaded-3"], App.SentAudios().Select(a => a.GetProperty("audio").GetProperty("id").GetString()));
        var notes = await ReplyTestApp.EventuallyReadAsync(OutboundAsync, o => o.Count == 3 && o.All(m => m.GetProperty("status").GetString() == "Sent"), "the notes are sent");
        Assert.Equal(spoken.Skip(1), notes.Select(m => m.GetProperty("transcript").GetString()));
    }

    [Fact]
    public async Task A_voice_note_whose_send_failed_is_sent_again_by_the_media_id_Meta_already_has()
    {
        await ArrangeAsync("Always");
        App.SpeechSpeaks(MediaTestApp.VoiceNote(0.5));
        App.LlmAnswers("See you tonight.");
        var audioSends = 0;
        // Meta takes the upload, then fails the first send of the voice note with a 5xx (a retryable failure).
        App.Graph.Given(Request.Create().WithPath("/*/*/messages").UsingPost().WithBody(b => b != null && b.Contains("\"type\":\"audio\"", StringComparison.Ordinal)))
            .AtPriority(3)
            .RespondWith(Response.Create().WithCallback(_ =>
            {
                var first = Interlocked.Increment(ref audioSends) == 1;
                return new WireMock.ResponseMessage
                {
                    StatusCode = first ? 500 : 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData
                    {
                        DetectedBodyType = WireMock.Types.BodyType.String,
                        BodyAsString = first
                            ? """{"error":{"message":"An unknown error occurred","type":"OAuthException","code":131000,"fbtrace_id":"A2"}}"""
                            : """{"messaging_product":"whatsapp","contacts":[{"input":"x","wa_id":"x"}],"messages":[{"id":"wamid.VOICE-RETRIED"}]}""",
                    },
                };
            }));

        await CustomerWritesAsync("wamid.TEXT4", "Is my booking confirmed?");
        var sent = await ReplyTestApp.EventuallyReadAsync(OutboundAsync, o => o.Count == 1 && o[0].GetProperty("status").GetString() == "Sent", "the voice note is sent on the retry", seconds: 90);

        Assert.Equal("wamid.VOICE-RETRIED", sent[0].GetProperty("whatsAppMessageId").GetString());
        Assert.Single(await App.UploadsAsync());
        var sends = App.SentAudios();
        Assert.Equal(2, sends.Count);
        var mediaId = sends[0].GetProperty("audio").GetProperty("id").GetString();
        Assert.StartsWith("uploaded-", mediaId, StringComparison.Ordinal);
        Assert.All(sends, s => Assert.Equal(mediaId, s.GetProperty("audio").GetProperty("id").GetString()));
        Assert.All(sends, s => Assert.True(s.GetProperty("audio").GetProperty("voice").GetBoolean()));
        var stored = await App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.WhatsAppMessageId == "wamid.VOICE-RETRIED"));
        Assert.Equal(mediaId, stored.MediaId);
        Assert.NotNull(stored.MediaUploadedAt);
    }

    [Fact]
    public async Task An_answer_too_long_for_three_voice_notes_goes_out_as_text()
    {
        await ArrangeAsync("Always");
        App.SpeechSpeaks(MediaTestApp.VoiceNote(0.5));
        var answer = string.Join(" ", Enumerable.Range(1, 50).Select(i => $"Item {i} of the long menu comes with a side salad and a drink of your choice."));
        App.LlmAnswers(answer);

        await CustomerWritesAsync("wamid.TEXT3", "Read me the whole menu.");
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count == 1, "the text was sent");

        Assert.Empty(App.SpeechRequests());
        Assert.Equal(answer, App.SentTexts()[0].Text);
        var message = Assert.Single(await OutboundAsync());
        Assert.Contains("too long for 3 voice notes", message.GetProperty("mediaError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sandbox_number_answers_in_voice_and_its_note_is_played_without_calling_Meta()
    {
        App.GraphAcceptsEverything();
        App.Speech.Reset();
        App.SpeechSpeaks(MediaTestApp.VoiceNote(1));
        App.LlmAnswers("Hello from the sandbox.");
        using var admin = App.CreateAdminClient();
        var number = await HttpAssert.JsonAsync(await admin.PostAsync("/api/sandbox/start", null), HttpStatusCode.OK);
        var agentId = number.GetProperty("agentId").GetGuid();
        var agent = await admin.GetFromJsonAsync<JsonElement>($"/api/agents/{agentId}");
        var update = await admin.PutAsJsonAsync($"/api/agents/{agentId}", new
        {
            name = agent.GetProperty("name").GetString(),
            prompt = agent.GetProperty("prompt").GetString(),
            voiceReplies = "Always",
        });
        Assert.Equal("Always", (await HttpAssert.JsonAsync(update, HttpStatusCode.OK)).GetProperty("voiceReplies").GetString());

        var sent = await HttpAssert.JsonAsync(
            await admin.PostAsJsonAsync($"/api/sandbox/{number.GetProperty("id").GetGuid()}/messages", new { text = "hello" }), HttpStatusCode.OK);
        var conversationId = sent.GetProperty("conversationId").GetGuid();

        var note = await ReplyTestApp.EventuallyReadAsync(
            async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages"))
                .GetProperty("items").EnumerateArray().FirstOrDefault(m => m.GetProperty("direction").GetString() == "Outbound"),
            m => m.ValueKind == JsonValueKind.Object && m.GetProperty("status").GetString() == "Played",
            "the sandbox customer played the voice note");
        Assert.Equal("audio", note.GetProperty("type").GetString());
        Assert.Equal("Hello from the sandbox.", note.GetProperty("transcript").GetString());
        Assert.DoesNotContain(App.Graph.LogEntries, e => e.RequestMessage.Method == "POST");
    }

    [Fact]
    public async Task Voice_replies_must_be_a_known_setting()
    {
        using var admin = App.CreateAdminClient();

        var response = await admin.PostAsJsonAsync("/api/agents", new { name = "Bella", prompt = "You are Bella.", voiceReplies = "Sometimes" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.Agents.CountAsync()));
    }

    private async Task ArrangeAsync(string voiceReplies)
    {
        App.GraphAcceptsEverything();
        App.GraphAcceptsUploads();
        App.Speech.Reset();
        using var admin = App.CreateAdminClient();
        var agent = await HttpAssert.JsonAsync(
            await admin.PostAsJsonAsync("/api/agents", new { name = "Bella", prompt = "You are Bella.", voiceReplies }), HttpStatusCode.Created);
        await admin.AddNumberAsync(PhoneNumberId, agentId: agent.GetProperty("id").GetGuid());
    }

    private async Task CustomerWritesAsync(string wamid, string text)
    {
        using var client = App.CreateClient();
        var webhook = MediaTestApp.MediaWebhook(PhoneNumberId, Customer, wamid, "text", new System.Text.Json.Nodes.JsonObject { ["body"] = text });
        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(webhook)).StatusCode);
    }

    private async Task<List<JsonElement>> OutboundAsync()
    {
        using var admin = App.CreateAdminClient();
        var conversationId = (await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync())).Id;
        return (await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages"))
            .GetProperty("items").EnumerateArray().Where(m => m.GetProperty("direction").GetString() == "Outbound").ToList();
    }

    /// <summary>A well-formed mono Ogg Opus container of about <paramref name="bytes"/> bytes (the packets are filler: only the size matters here).</summary>
    private static byte[] OggOpusOfSize(int bytes)
    {
        var note = MediaTestApp.VoiceNote(0.2);
        var file = OggOpus.Read(note);
        using var output = new MemoryStream();
        var head = OggPages.ReadPackets(note).Packets;
        OggPages.WritePage(output, [head[0]], OggPages.BeginFlag, 0, 1, 0);
        OggPages.WritePage(output, [head[1]], 0, 0, 1, 1);
        var sequence = 2;
        var packet = file.AudioPackets[0];
        while (output.Length < bytes)
        {
            OggPages.WritePage(output, Enumerable.Repeat(packet, 50).ToList(), 0, 960L * 50 * (sequence - 1), 1, sequence++);
        }

        OggPages.WritePage(output, [packet], OggPages.EndFlag, 960L * 50 * sequence, 1, sequence);
        return output.ToArray();
    }
}
