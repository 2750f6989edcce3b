using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanAgent.Infrastructure.Calls;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>
/// The app with Meta's Graph API, the LLM and Janus faked at the HTTP edge, and a UDP socket where Janus's nosip plugin
/// would relay the caller's audio (the test plays the caller there). Speech runs through the real OpenAI-compatible
/// speech adapters against <see cref="SpeechServer"/>, faked at the HTTP edge.
/// </summary>
public class CallTestApp : ReplyTestApp
{
    protected internal CallTestApp(TestDatabase database)
        : base(database)
    {
        Media = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Media.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Janus = new FakeJanus(((IPEndPoint)Media.LocalEndPoint!).Port);
        Settings["Calls:JanusUrl"] = Janus.Url;
        Settings["Speech:Provider"] = "OpenAI";
        Settings["Speech:Endpoint"] = Speech.Url;
        Settings["Speech:ApiKey"] = "fake-test-speech-key";
    }

    public FakeJanus Janus { get; }

    /// <summary>The socket Janus's plain RTP side would use: what the agent says arrives here.</summary>
    public Socket Media { get; }

    public SpeechServer Speech { get; } = new();

    /// <summary>The app's clock: the real time unless a test fixes it (timers stay real).</summary>
    public SettableClock Clock { get; } = new();

    internal CallCenter Calls => Services.GetRequiredService<CallCenter>();

    /// <summary>The live <c>Calls</c> settings; a test may change them before it posts a call.</summary>
    internal CallsOptions CallSettings => Services.GetRequiredService<IOptions<CallsOptions>>().Value;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>A <c>calls</c> webhook as Meta sends it: <c>connect</c> with the caller's SDP offer, or <c>terminate</c>.</summary>
    public static string CallWebhook(string phoneNumberId, string customer, string callId, string @event, string? sdp = null, int? duration = null)
    {
        var call = new JsonObject
        {
            ["id"] = callId,
            ["to"] = "16505550100",
            ["from"] = customer,
            ["event"] = @event,
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["direction"] = "USER_INITIATED",
        };
        if (sdp is not null)
        {
            call["session"] = new JsonObject { ["sdp_type"] = "offer", ["sdp"] = sdp };
        }

        if (duration is not null)
        {
            call["status"] = "COMPLETED";
            call["duration"] = duration;
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
                        ["metadata"] = new JsonObject { ["display_phone_number"] = "16505550100", ["phone_number_id"] = phoneNumberId },
                        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Ana" }, ["wa_id"] = customer }),
                        ["calls"] = new JsonArray(call),
                    },
                }),
            }),
        }.ToJsonString();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Janus.Dispose();
        Speech.Dispose();
        Media.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// An OpenAI-compatible speech server that answers at once: every transcription is the text given to <see cref="Transcribes"/>, every
/// synthesis a 2 s tone as raw 24 kHz PCM. What the app sent it is read back from its log.
/// </summary>
public sealed class SpeechServer : IDisposable
{
    private static readonly byte[] Tone = MakeTone(TimeSpan.FromSeconds(2));
    private readonly WireMockServer _server = FakeHttpServer.Start();

    public SpeechServer() => Transcribes("When do you open?");

    public string Url => _server.Url!;

    /// <summary>The texts the app asked to be spoken, in order.</summary>
    public IReadOnlyList<string> Said => Requests("/v1/audio/speech")
        .Select(e => JsonNode.Parse(e.RequestMessage.Body!)!["input"]!.GetValue<string>())
        .ToList();

    /// <summary>The size of each upload the app sent to be transcribed, in order.</summary>
    public IReadOnlyList<int> Heard => Requests("/v1/audio/transcriptions")
        .Select(e => e.RequestMessage.BodyAsBytes?.Length ?? e.RequestMessage.Body?.Length ?? 0)
        .ToList();

    public void Transcribes(string text)
    {
        _server.Reset();
        _server.Given(Request.Create().WithPath("/v1/audio/transcriptions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(new { text })));
        _server.Given(Request.Create().WithPath("/v1/audio/speech").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "audio/pcm").WithBody(Tone));
    }

    public void Clear() => _server.ResetLogEntries();

    public void Dispose() => _server.Stop();

    private IEnumerable<WireMock.Logging.ILogEntry> Requests(string path) => _server.LogEntries
        .Where(e => e.RequestMessage.Path == path)
        .OrderBy(e => e.RequestMessage.DateTime);

    private static byte[] MakeTone(TimeSpan length)
    {
        var samples = (int)(24000 * length.TotalSeconds);
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(8000 * Math.Sin(2 * Math.PI * 330 * i / 24000));
            pcm[2 * i] = (byte)value;
            pcm[2 * i + 1] = (byte)(value >> 8);
        }

        return pcm;
    }
}

/// <summary>A clock a test can stop at a chosen instant; null follows the system clock. Timers and delays stay real.</summary>
public sealed class SettableClock : TimeProvider
{
    public DateTimeOffset? Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now ?? base.GetUtcNow();
}

public sealed class SqliteCallApp() : CallTestApp(TestDatabase.Sqlite);

public sealed class PostgresCallApp() : CallTestApp(TestDatabase.PostgreSql);
