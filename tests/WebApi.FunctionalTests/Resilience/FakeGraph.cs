using System.Collections.Concurrent;
using System.Text.Json;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace CleanAgent.WebApi.FunctionalTests.Resilience;

/// <summary>
/// Meta's Graph API as the customers' phones see it: every accepted send is recorded with its
/// recipient and the wamid handed back, so a test counts what each customer received. It can
/// refuse the next sends with 5xx or 429 (with Retry-After) for a while.
/// </summary>
public sealed class FakeGraph
{
    private readonly ConcurrentQueue<AcceptedSend> _accepted = new();
    private int _wamids;
    private int _faultsLeft;
    private int _refused;

    public FakeGraph(WireMockServer server)
    {
        server.Reset();
        server.Given(Request.Create().WithPath("/*").UsingPost().WithBody(b => b != null && b.Contains("\"status\":\"read\"", StringComparison.Ordinal)))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"success":true}"""));
        server.Given(Request.Create().WithPath("/*").UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(Answer));
    }

    public IReadOnlyCollection<AcceptedSend> Accepted => _accepted.ToArray();

    /// <summary>How many sends were refused on purpose.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>The next <paramref name="count"/> sends are refused, alternately with HTTP 500 and with 429 plus Retry-After.</summary>
    public void RefuseNext(int count) => Volatile.Write(ref _faultsLeft, count);

    private ResponseMessage Answer(IRequestMessage request)
    {
        if (Interlocked.Decrement(ref _faultsLeft) >= 0)
        {
            var refused = Interlocked.Increment(ref _refused);
            return refused % 2 == 0
                ? Json(429, """{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"fbtrace_id":"A1"}}""", ("Retry-After", "1"))
                : Json(500, """{"error":{"message":"An unknown error occurred","type":"OAuthException","code":131000,"fbtrace_id":"A2"}}""");
        }

        var to = JsonDocument.Parse(request.Body!).RootElement.GetProperty("to").GetString()!;
        var wamid = "wamid.OUT" + Interlocked.Increment(ref _wamids);
        _accepted.Enqueue(new AcceptedSend(to, wamid, DateTime.UtcNow));
        return Json(200, $$"""{"messaging_product":"whatsapp","contacts":[{"input":"{{to}}","wa_id":"{{to}}"}],"messages":[{"id":"{{wamid}}"}]}""");
    }

    private static ResponseMessage Json(int status, string body, (string Name, string Value)? header = null)
    {
        var headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") };
        if (header is { } h)
        {
            headers[h.Name] = new(h.Value);
        }

        return new ResponseMessage
        {
            StatusCode = status,
            Headers = headers,
            BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = body },
        };
    }
}

/// <summary>A message Meta accepted: who it went to, the wamid Meta gave it, and when.</summary>
public sealed record AcceptedSend(string To, string WhatsAppMessageId, DateTime At);
