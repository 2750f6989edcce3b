using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>
/// Janus's HTTP API with the nosip plugin, faked at the HTTP edge (WireMock on 127.0.0.1): sessions, handles,
/// <c>generate</c> (answers a barebone offer pointing at <see cref="RtpPort"/>), <c>process</c> (answers a JSEP answer),
/// <c>hangup</c>, <c>destroy</c>, and the long-poll that carries the events.
/// </summary>
public sealed class FakeJanus : IDisposable
{
    public const string WebRtcAnswer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=janus-answer\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=setup:active\r\na=rtpmap:111 opus/48000/2\r\na=end-of-candidates\r\n";

    private readonly ConcurrentDictionary<long, BlockingCollection<JsonObject>> _events = new();
    private long _ids = 1000;

    public FakeJanus(int rtpPort)
    {
        RtpPort = rtpPort;
        Server = FakeHttpServer.Start();
        Server.Given(Request.Create().WithPath("/janus*").UsingAnyMethod()).RespondWith(Response.Create().WithCallback(Handle));
    }

    public WireMockServer Server { get; }

    public string Url => Server.Url + "/janus";

    /// <summary>Where the fake says it wants our RTP (the test listens there as Janus would).</summary>
    public int RtpPort { get; }

    /// <summary>When set, <c>generate</c> answers with this nosip error.</summary>
    public string? GenerateError { get; set; }

    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<string> Offers { get; } = new();

    public ConcurrentQueue<string> PlainAnswers { get; } = new();

    public int Sessions => _events.Count;

    public int Destroyed => Requests.Count(r => r == "destroy");

    public int HungUp => Requests.Count(r => r == "hangup");

    /// <summary>Janus hangs every live session up, as when ICE or DTLS fails.</summary>
    public void HangUpAll(string reason = "ICE failed")
    {
        foreach (var (id, events) in _events)
        {
            events.Add(new JsonObject { ["janus"] = "hangup", ["session_id"] = id, ["reason"] = reason });
        }
    }

    private ResponseMessage Handle(WireMock.IRequestMessage request)
    {
        var segments = request.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (request.Method == "GET" && segments.Length == 2 && long.TryParse(segments[1], out var polled))
        {
            return Json(_events.TryGetValue(polled, out var queue) && queue.TryTake(out var next, 250) ? next : new JsonObject { ["janus"] = "keepalive" });
        }

        var body = JsonNode.Parse(request.Body ?? "{}")!.AsObject();
        var kind = body["janus"]?.GetValue<string>() ?? string.Empty;
        var transaction = body["transaction"]?.GetValue<string>();
        var request1 = body["body"]?["request"]?.GetValue<string>();
        Requests.Enqueue(request1 ?? kind);
        switch (kind)
        {
            case "create":
                var session = Interlocked.Increment(ref _ids);
                _events[session] = new BlockingCollection<JsonObject>();
                return Json(Success(transaction, session));
            case "attach":
                return Json(Success(transaction, Interlocked.Increment(ref _ids)));
            case "destroy":
                if (long.TryParse(segments[1], out var destroyed) && _events.TryRemove(destroyed, out var gone))
                {
                    gone.Dispose();
                }

                return Json(new JsonObject { ["janus"] = "success", ["transaction"] = transaction });
            case "message":
                var events = _events.TryGetValue(long.Parse(segments[1], System.Globalization.CultureInfo.InvariantCulture), out var found) ? found : null;
                events?.Add(PluginEvent(transaction, request1, body));
                return Json(new JsonObject { ["janus"] = "ack", ["transaction"] = transaction });
            default:
                return Json(new JsonObject { ["janus"] = "error", ["transaction"] = transaction, ["error"] = new JsonObject { ["code"] = 453, ["reason"] = "unknown" } });
        }
    }

    private JsonObject PluginEvent(string? transaction, string? request, JsonObject body)
    {
        var data = new JsonObject { ["nosip"] = "event" };
        JsonObject? jsep = null;
        switch (request)
        {
            case "generate" when GenerateError is not null:
                data = new JsonObject { ["nosip"] = "event", ["error_code"] = 448, ["error"] = GenerateError };
                break;
            case "generate":
                Offers.Enqueue(body["jsep"]?["sdp"]?.GetValue<string>() ?? string.Empty);
                data["result"] = new JsonObject
                {
                    ["event"] = "generated",
                    ["type"] = "offer",
                    ["sdp"] = $"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {RtpPort} RTP/AVP 111 0 8\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n",
                };
                break;
            case "process":
                PlainAnswers.Enqueue(body["body"]?["sdp"]?.GetValue<string>() ?? string.Empty);
                data["result"] = new JsonObject { ["event"] = "processed" };
                jsep = new JsonObject { ["type"] = "answer", ["sdp"] = WebRtcAnswer };
                break;
            default:
                data["result"] = new JsonObject { ["event"] = "hangingup" };
                break;
        }

        var message = new JsonObject
        {
            ["janus"] = "event",
            ["transaction"] = transaction,
            ["plugindata"] = new JsonObject { ["plugin"] = "janus.plugin.nosip", ["data"] = data },
        };
        if (jsep is not null)
        {
            message["jsep"] = jsep;
        }

        return message;
    }

    private static JsonObject Success(string? transaction, long id) =>
        new() { ["janus"] = "success", ["transaction"] = transaction, ["data"] = new JsonObject { ["id"] = id } };

    private static ResponseMessage Json(JsonObject body) => new()
    {
        StatusCode = 200,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = body.ToJsonString() },
    };

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
    }
}
