using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanAgent.Domain.Conversations;
using CleanAgent.Infrastructure.Calls;
using CleanAgent.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace CleanAgent.WebApi.BrowserTests.Calls;

/// <summary>
/// A WhatsApp call end to end: headless Chromium plays Meta's side (WebRTC, a recorded question as its microphone),
/// real Janus with nosip terminates it, the real app answers through its webhook, call engine, RTP socket and its real
/// OpenAI-compatible speech-to-text and text-to-speech adapters. Meta's Graph API, the model and the speech server are
/// faked over HTTP (<see cref="SpeechServer"/> hears the uploaded audio). Runs only inside the network namespace that
/// scripts/calls-e2e.sh sets up (it exports the Janus URL).
/// </summary>
public sealed class CallEndToEndTests
{
    private const string PhoneNumberId = "106540352242977";
    private const string AppSecret = "e2e-app-secret-31f";
    private const string AdminKey = "calls-e2e-admin-key-0123456789abcdef";
    private const string Answer = "We open at nine tomorrow.";

    [SkippableFact]
    public async Task Caller_in_Chromium_talks_with_the_agent_through_Janus_and_the_call_is_stored_and_freed()
    {
        var janusUrl = Environment.GetEnvironmentVariable("CLEANAGENT_CALLS_E2E_JANUS");
        Skip.If(janusUrl is null, "runs inside the network namespace of scripts/calls-e2e.sh (real Janus, a veth carrying 127.0.0.1)");

        using var graph = WireMockServer.Start();
        graph.Given(Request.Create().WithPath("/*").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"success":true}"""));
        using var llm = WireMockServer.Start();
        llm.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Completion(Answer)));
        using var speech = new SpeechServer();
        var database = Path.Combine(Path.GetTempPath(), $"cleanagent_calls_{Guid.NewGuid():N}.db");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("ConnectionStrings:CleanAgent", $"Data Source={database}");
            b.UseSetting("Admin:ApiKeys:0", AdminKey);
            b.UseSetting("DataProtection:KeyEncryptionKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            b.UseSetting("Meta:VerifyToken", "calls-e2e");
            b.UseSetting("Meta:GraphApiBaseUrl", graph.Url);
            b.UseSetting("Ai:Provider", "OpenAI");
            b.UseSetting("Ai:Endpoint", llm.Url);
            b.UseSetting("Ai:ApiKey", "fake-e2e");
            b.UseSetting("Calls:JanusUrl", janusUrl);
            b.UseSetting("Speech:Provider", "OpenAI");
            b.UseSetting("Speech:Endpoint", speech.Url);
            b.UseSetting("Speech:ApiKey", "fake-e2e-speech-key");
        });
        using var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var agent = await admin.PostAsJsonAsync("/api/agents", new { name = "Bella", prompt = "You are Bella of Pizzeria Roma." });
        var agentId = (await agent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var number = await admin.PostAsJsonAsync("/api/whatsapp-numbers", new
        {
            phoneNumber = "+1 650 555 0177", displayName = "Calls", phoneNumberId = PhoneNumberId, agentId, appSecret = AppSecret,
            accessToken = "fake-e2e-token-1234", callsEnabled = true,
        });
        Assert.True(number.IsSuccessStatusCode, await number.Content.ReadAsStringAsync());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CLEANAGENT_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required",
                "--use-file-for-fake-audio-capture=" + Path.Combine(AppContext.BaseDirectory, "Calls", "question.wav"),
            ],
        });
        var page = await browser.NewPageAsync();
        // getUserMedia needs a secure context: http://127.0.0.1 is one; the page itself is served by Playwright.
        await page.RouteAsync("http://127.0.0.1:9/**", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<html><body>caller</body></html>" }));
        await page.GotoAsync("http://127.0.0.1:9/");
        var offer = await page.EvaluateAsync<string>("""
            async () => {
              const pc = new RTCPeerConnection();
              window.pc = pc;
              const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
              mic.getTracks().forEach(t => pc.addTrack(t, mic));
              pc.ontrack = e => { const a = new Audio(); a.srcObject = e.streams[0]; a.play().catch(() => {}); };
              await pc.setLocalDescription(await pc.createOffer());
              await new Promise(r => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); });
              return pc.localDescription.sdp;
            }
            """);
        Assert.Contains("typ host", offer, StringComparison.Ordinal);

        using var meta = factory.CreateClient();
        Assert.True((await PostSignedAsync(meta, CallWebhook("wacid.E2E1", "connect", offer))).IsSuccessStatusCode);

        var preAccept = await EventuallyAsync(() => graph.LogEntries.Select(e => e.RequestMessage.Body).FirstOrDefault(b => b?.Contains("\"pre_accept\"", StringComparison.Ordinal) == true), "pre_accept sent to Meta");
        var answerSdp = JsonDocument.Parse(preAccept!).RootElement.GetProperty("session").GetProperty("sdp").GetString()!;
        await page.EvaluateAsync("sdp => window.pc.setRemoteDescription({ type: 'answer', sdp })", answerSdp);
        await EventuallyAsync(async () => await page.EvaluateAsync<string>("() => window.pc.connectionState") == "connected" ? "" : null, "WebRTC connected through Janus");
        await EventuallyAsync(() => graph.LogEntries.Any(e => e.RequestMessage.Body?.Contains("\"accept\"", StringComparison.Ordinal) == true) ? "" : null, "accept sent to Meta");

        // The recorded question reaches speech-to-text as real audio, and the agent's answer is heard in Chromium.
        await EventuallyAsync(() => speech.Heard.Any(level => level > SpeechServer.SpeechLevelDb) ? "" : null, "the caller's speech transcribed", seconds: 90);
        await EventuallyAsync(() => speech.Said.Contains(Answer) ? "" : null, "the agent's answer spoken");
        var heard = await EventuallyAsync(async () =>
        {
            var stats = await page.EvaluateAsync<JsonElement>("""
                async () => {
                  for (const r of (await window.pc.getStats()).values())
                    if (r.type === 'inbound-rtp' && r.kind === 'audio') return { packets: r.packetsReceived, energy: r.totalAudioEnergy || 0, level: r.audioLevel || 0 };
                  return { packets: 0, energy: 0, level: 0 };
                }
                """);
            return stats.GetProperty("packets").GetInt32() > 100 && stats.GetProperty("energy").GetDouble() > 0 ? stats.ToString() : null;
        }, "the agent's audio received by Chromium");

        var calls = factory.Services.GetRequiredService<CallCenter>();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var turns = await db.Messages.AsNoTracking().Where(m => m.Type == Message.CallTurnType).ToListAsync();
            Assert.Contains(turns, t => t.Direction == MessageDirection.Inbound && t.Text == SpeechServer.Transcript);
            Assert.Contains(turns, t => t.Direction == MessageDirection.Outbound && t.Text == Answer);
        }

        Assert.True((await PostSignedAsync(meta, CallWebhook("wacid.E2E1", "terminate", null))).IsSuccessStatusCode);
        await EventuallyAsync(() => calls.ActiveCalls == 0 && !calls.Finished.IsEmpty ? "" : null, "the call freed");
        var call = calls.Finished.Last();
        using var janus = new HttpClient();
        using var session = await janus.GetAsync($"{janusUrl}/{call.JanusSessionId}?maxev=1");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, session.StatusCode); // Janus: no such session

        var latencies = string.Join(", ", call.ResponseLatencies.Select(l => $"{l:F0} ms"));
        Console.WriteLine($"calls e2e: connected; caller packets in {call.PacketsReceived}, agent packets out {call.PacketsSent}, Chromium inbound-rtp {heard}");
        Console.WriteLine($"calls e2e: uploads transcribed at {string.Join(", ", speech.Heard.Select(l => $"{l:F1} dBFS"))}; spoken: {string.Join(" | ", speech.Said)}");
        Console.WriteLine($"calls e2e: end of the caller's turn → first audio back: {latencies} (instant fake speech and model)");
        File.Delete(database);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {seconds} s waiting for: {what}");
            await Task.Delay(200);
        }
    }

    private static Task<T> EventuallyAsync<T>(Func<T?> probe, string what, int seconds = 60) =>
        EventuallyAsync(() => Task.FromResult(probe()), what, seconds);

    private static async Task<HttpResponseMessage> PostSignedAsync(HttpClient client, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/meta-webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(AppSecret), body)));
        return await client.SendAsync(request);
    }

    private static string CallWebhook(string callId, string @event, string? sdp)
    {
        var call = new JsonObject
        {
            ["id"] = callId, ["to"] = "16505550177", ["from"] = "16315551199", ["event"] = @event,
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["direction"] = "USER_INITIATED",
        };
        if (sdp is not null)
        {
            call["session"] = new JsonObject { ["sdp_type"] = "offer", ["sdp"] = sdp };
        }
        else
        {
            call["status"] = "COMPLETED";
        }

        return new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "102290129340398",
                ["changes"] = new JsonArray(new JsonObject
                {
                    ["field"] = "calls",
                    ["value"] = new JsonObject
                    {
                        ["messaging_product"] = "whatsapp",
                        ["metadata"] = new JsonObject { ["display_phone_number"] = "16505550177", ["phone_number_id"] = PhoneNumberId },
                        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Ana" }, ["wa_id"] = "16315551199" }),
                        ["calls"] = new JsonArray(call),
                    },
                }),
            }),
        }.ToJsonString();
    }

    private static string Completion(string answer) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1", @object = "chat.completion", created = 1_764_000_000, model = "test-model",
        choices = new[] { new { index = 0, message = new { role = "assistant", content = answer }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
    });

    /// <summary>
    /// An OpenAI-compatible speech server that answers at once. A transcription is decided by the audio uploaded: the
    /// WAV's level (dBFS) is kept in <see cref="Heard"/>, and only an upload louder than <see cref="SpeechLevelDb"/> is
    /// heard as the question; a quieter one is transcribed as nothing. Every synthesis is a 2 s tone as raw 24 kHz PCM;
    /// the texts asked for are read back from the server's log.
    /// </summary>
    private sealed class SpeechServer : IDisposable
    {
        public const string Transcript = "What time do you open tomorrow?";
        public const double SpeechLevelDb = -40;

        private static readonly byte[] Tone = MakeTone();
        private readonly WireMockServer _server = WireMockServer.Start();

        public SpeechServer()
        {
            _server.Given(Request.Create().WithPath("/v1/audio/transcriptions").UsingPost()).RespondWith(Response.Create().WithCallback(Transcribe));
            _server.Given(Request.Create().WithPath("/v1/audio/speech").UsingPost())
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "audio/pcm").WithBody(Tone));
        }

        public string Url => _server.Url!;

        /// <summary>The level (dBFS) of each upload, in the order they came.</summary>
        public ConcurrentQueue<double> Heard { get; } = new();

        public IReadOnlyList<string> Said => _server.LogEntries
            .Where(e => e.RequestMessage.Path == "/v1/audio/speech")
            .OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => JsonNode.Parse(e.RequestMessage.Body!)!["input"]!.GetValue<string>())
            .ToList();

        public void Dispose() => _server.Stop();

        private ResponseMessage Transcribe(IRequestMessage request)
        {
            var level = LevelOf(request.BodyAsBytes ?? []);
            Heard.Enqueue(level);
            return new ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new BodyData
                {
                    DetectedBodyType = BodyType.String,
                    BodyAsString = JsonSerializer.Serialize(new { text = level > SpeechLevelDb ? Transcript : string.Empty }),
                },
            };
        }

        /// <summary>The RMS level of the 16-bit PCM in the WAV file inside the multipart upload; -120 when there is none.</summary>
        private static double LevelOf(byte[] upload)
        {
            var riff = upload.AsSpan().IndexOf("RIFF"u8);
            var data = riff < 0 ? -1 : upload.AsSpan(riff).IndexOf("data"u8);
            if (data < 0 || riff + data + 8 > upload.Length)
            {
                return -120;
            }

            var start = riff + data + 8;
            var length = Math.Min(BinaryPrimitives.ReadInt32LittleEndian(upload.AsSpan(start - 4)), upload.Length - start);
            double sum = 0;
            var samples = length / 2;
            for (var i = 0; i < samples; i++)
            {
                double sample = BinaryPrimitives.ReadInt16LittleEndian(upload.AsSpan(start + 2 * i));
                sum += sample * sample;
            }

            return samples == 0 ? -120 : 20 * Math.Log10(Math.Max(1e-6, Math.Sqrt(sum / samples) / short.MaxValue));
        }

        private static byte[] MakeTone()
        {
            var pcm = new byte[24000 * 2 * 2];
            for (var i = 0; i < pcm.Length / 2; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(2 * i), (short)(9000 * Math.Sin(2 * Math.PI * 300 * i / 24000)));
            }

            return pcm;
        }
    }
}
