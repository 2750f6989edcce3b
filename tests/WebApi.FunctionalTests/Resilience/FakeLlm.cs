using CleanAgent.WebApi.FunctionalTests.Support;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace CleanAgent.WebApi.FunctionalTests.Resilience;

/// <summary>An OpenAI-compatible model that takes its time, and can be down (HTTP 503) for the next few calls.</summary>
public sealed class FakeLlm
{
    private int _failuresLeft;
    private int _failed;

    public FakeLlm(WireMockServer server, TimeSpan delay)
    {
        server.Reset();
        server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost())
            .RespondWith(Response.Create().WithCallback(Answer).WithDelay(delay));
    }

    /// <summary>How many calls were failed on purpose.</summary>
    public int Failed => Volatile.Read(ref _failed);

    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    private ResponseMessage Answer(IRequestMessage request)
    {
        var down = Interlocked.Decrement(ref _failuresLeft) >= 0;
        if (down)
        {
            Interlocked.Increment(ref _failed);
        }

        return new ResponseMessage
        {
            StatusCode = down ? 503 : 200,
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
            BodyData = new BodyData
            {
                DetectedBodyType = BodyType.String,
                BodyAsString = down ? """{"error":{"message":"The model is overloaded","type":"server_error"}}""" : ReplyTestApp.Completion("Thanks for your message! We will get back to you."),
            },
        };
    }
}
