using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanAgent.WebApi.FunctionalTests.Support;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace CleanAgent.WebApi.FunctionalTests.Resilience;

/// <summary>
/// A voice note whose download is under way when the process dies (<c>kill -9</c>): after a restart the file is fetched
/// again, kept, transcribed, and the customer gets one answer written with the transcript.
/// </summary>
public sealed class MediaCrashTests
{
    private const string MediaId = "media-crash-1";
    private const string Customer = "16315559901";
    private const string Transcript = "Can I bring my dog to dinner tonight?";

    [SkippableFact]
    public async Task A_kill_during_a_voice_note_download_loses_nothing_the_answer_goes_out_after_a_restart_with_the_transcript()
    {
        var mediaRoot = Path.Combine(Path.GetTempPath(), "cleanagent-media-crash-" + Guid.NewGuid().ToString("N")[..12]);
        using var speech = FakeHttpServer.Start();
        speech.Given(Request.Create().WithPath("/v1/audio/transcriptions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(new { text = Transcript })));
        try
        {
            await using var rig = await ProcessRig.CreateAsync(TestDatabase.Sqlite, llmDelay: TimeSpan.FromMilliseconds(1), new Dictionary<string, string>
            {
                ["Media__Store"] = "FileSystem",
                ["Media__RootPath"] = mediaRoot,
                ["Speech__Provider"] = "OpenAI",
                ["Speech__Endpoint"] = speech.Url!,
                ["Speech__ApiKey"] = "fake-test-speech-key",
                ["WhatsApp__SweepIntervalSeconds"] = "1",
                ["WhatsApp__SweepGraceSeconds"] = "2",
            });
            var note = MediaTestApp.VoiceNote();
            using var file = new HeldFile(rig.GraphServer, MediaId, note, "audio/ogg");
            var first = await rig.StartInstanceAsync();
            await ProcessRig.AddNumberAsync(first);

            using (var meta = first.CreateClient())
            {
                var webhook = MediaTestApp.MediaWebhook(ProcessRig.PhoneNumberId, Customer, "wamid.CRASHVOICE1", "audio", new JsonObject
                {
                    ["mime_type"] = "audio/ogg; codecs=opus",
                    ["sha256"] = Convert.ToBase64String(SHA256.HashData(note)),
                    ["id"] = MediaId,
                    ["voice"] = true,
                });
                Assert.Equal(HttpStatusCode.OK, (await meta.PostWebhookAsync(webhook)).StatusCode);
            }

            // The file's url was asked for and the download is in flight (held by the fake): now the process dies.
            await file.Arrived.WaitAsync(TimeSpan.FromSeconds(120));
            first.Kill();
            file.Release();
            Assert.Empty(rig.Graph.Accepted);
            Assert.Empty(rig.LlmRequests());
            Assert.Empty(speech.LogEntries);

            var second = await rig.StartInstanceAsync();
            await ReplyTestApp.EventuallyAsync(async () => await rig.Ledger.SettledAsync([Customer]), "the voice note is answered after the restart", seconds: 120);
            await Task.Delay(TimeSpan.FromSeconds(2)); // a late second answer would show now

            Assert.Equal(2, file.Requests);
            var answer = Assert.Single(rig.Graph.Accepted);
            Assert.Equal(Customer, answer.To);
            var prompt = Assert.Single(rig.LlmRequests());
            Assert.Contains(Transcript, prompt, StringComparison.Ordinal);
            Assert.Contains("voice note, transcribed", prompt, StringComparison.Ordinal);
            Assert.Single(speech.LogEntries);

            var hex = MediaTestApp.Sha256Hex(note);
            Assert.Equal(note, await File.ReadAllBytesAsync(Path.Combine(mediaRoot, hex[..2], hex + ".bin")));
            using var admin = second.CreateClient();
            admin.DefaultRequestHeaders.Add("X-Api-Key", TestApp.ApiKey);
            var conversations = await admin.GetFromJsonAsync<JsonElement>("/api/conversations");
            var conversationId = conversations.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();
            var history = (await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages")).GetProperty("items").EnumerateArray().ToList();
            var inbound = history.Single(m => m.GetProperty("direction").GetString() == "Inbound");
            Assert.Equal("Stored", inbound.GetProperty("mediaStatus").GetString());
            Assert.Equal(Transcript, inbound.GetProperty("transcript").GetString());
            var outbound = Assert.Single(history, m => m.GetProperty("direction").GetString() == "Outbound");
            Assert.Equal(answer.WhatsAppMessageId, outbound.GetProperty("whatsAppMessageId").GetString());
            var stored = await admin.GetAsync($"/api/conversations/{conversationId}/messages/{inbound.GetProperty("id").GetGuid()}/media");
            Assert.Equal(note, await stored.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            if (Directory.Exists(mediaRoot))
            {
                Directory.Delete(mediaRoot, recursive: true);
            }
        }
    }

    /// <summary>
    /// Meta's media endpoint and the file's url. The first download is held open from the moment it arrives (the test
    /// sees it arrive: WireMock logs a request only once it is answered) until <see cref="Release"/>; later ones are
    /// answered at once.
    /// </summary>
    private sealed class HeldFile : IDisposable
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly byte[] _bytes;
        private readonly string _mimeType;
        private int _requests;

        public HeldFile(WireMockServer graph, string mediaId, byte[] bytes, string mimeType)
        {
            _bytes = bytes;
            _mimeType = mimeType;
            graph.Given(Request.Create().WithPath($"/*/{mediaId}").UsingGet())
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(new
                {
                    url = $"{graph.Url}/files/{mediaId}",
                    mime_type = mimeType,
                    sha256 = MediaTestApp.Sha256Hex(bytes),
                    file_size = bytes.Length,
                    id = mediaId,
                    messaging_product = "whatsapp",
                })));
            graph.Given(Request.Create().WithPath($"/files/{mediaId}").UsingGet())
                .RespondWith(Response.Create().WithCallback(AnswerAsync));
        }

        public Task Arrived => _arrived.Task;

        public int Requests => Volatile.Read(ref _requests);

        public void Release() => _released.TrySetResult();

        public void Dispose() => Release();

        private async Task<IResponseMessage> AnswerAsync(IRequestMessage request)
        {
            if (Interlocked.Increment(ref _requests) == 1)
            {
                _arrived.TrySetResult();
                await _released.Task;
                return new ResponseMessage { StatusCode = 500 };
            }

            return new ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new(_mimeType) },
                BodyData = new BodyData { DetectedBodyType = BodyType.Bytes, BodyAsBytes = _bytes },
            };
        }
    }
}
