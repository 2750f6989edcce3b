using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using CleanAgent.Application.Speech;
using CleanAgent.Infrastructure.Calls;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>
/// The app with Meta's Graph API, the LLM and Janus faked at the HTTP edge, and a UDP socket where Janus's nosip plugin
/// would relay the caller's audio (the test plays the caller there). Speech runs through <see cref="FakeSpeech"/> until
/// the speech adapters (issue 12) land; then it moves to their HTTP edge.
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
    }

    public FakeJanus Janus { get; }

    /// <summary>The socket Janus's plain RTP side would use: what the agent says arrives here.</summary>
    public Socket Media { get; }

    public FakeSpeech Speech { get; } = new();

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
            services.AddSingleton<ISpeechTranscriber>(Speech);
            services.AddSingleton<ISpeechSynthesizer>(Speech);
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
        Media.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Speech-to-text and text-to-speech that answer at once: a fixed transcript, and a tone as long as the text.</summary>
public sealed class FakeSpeech : ISpeechTranscriber, ISpeechSynthesizer
{
    public bool IsEnabled => true;

    public string Transcript { get; set; } = "When do you open?";

    public ConcurrentQueue<int> Heard { get; } = new();

    public ConcurrentQueue<string> Said { get; } = new();

    public Task<string> TranscribeAsync(SpeechAudio audio, string? model, CancellationToken cancellationToken)
    {
        Heard.Enqueue(audio.Bytes.Length);
        return Task.FromResult(Transcript);
    }

    public Task<SynthesizedSpeech> SynthesizeAsync(string text, SpeechVoice voice, SpeechAudioFormat format, CancellationToken cancellationToken)
    {
        Said.Enqueue(text);
        var samples = 24000 * Math.Clamp(text.Length / 20, 1, 4);
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(8000 * Math.Sin(2 * Math.PI * 330 * i / 24000));
            pcm[2 * i] = (byte)value;
            pcm[2 * i + 1] = (byte)(value >> 8);
        }

        return Task.FromResult(new SynthesizedSpeech(pcm, "audio/pcm", SpeechAudioFormat.Pcm));
    }
}

/// <summary>A clock a test can stop at a chosen instant; null follows the system clock. Timers and delays stay real.</summary>
public sealed class SettableClock : TimeProvider
{
    public DateTimeOffset? Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now ?? base.GetUtcNow();
}

public sealed class SqliteCallApp() : CallTestApp(TestDatabase.Sqlite);
