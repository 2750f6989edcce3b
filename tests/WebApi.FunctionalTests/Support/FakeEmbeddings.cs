using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>
/// An OpenAI-compatible <c>/v1/embeddings</c> endpoint with deterministic vectors: a hashed bag of words in 64
/// dimensions, where the words of a small thesaurus fall on their concept's dimension with five times the weight,
/// so "money back" lands near "return" while sharing no word with it. Answers base64 or float arrays, as asked.
/// </summary>
public static partial class FakeEmbeddings
{
    public const int Dimensions = 64;

    private static readonly Dictionary<string, string> Concepts = new(StringComparer.Ordinal)
    {
        ["return"] = "refund", ["refund"] = "refund", ["money"] = "refund", ["back"] = "refund", ["reimburse"] = "refund",
        ["shipping"] = "delivery", ["delivery"] = "delivery", ["deliver"] = "delivery", ["postage"] = "delivery",
        ["open"] = "hours", ["hours"] = "hours", ["closing"] = "hours", ["close"] = "hours",
        ["product"] = "item", ["item"] = "item", ["purchase"] = "item", ["bought"] = "item",
    };

    /// <summary>Answers every embeddings request with the texts' vectors.</summary>
    public static void Serve(WireMockServer server) =>
        server.Given(Request.Create().WithPath("/v1/embeddings").UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                using var body = JsonDocument.Parse(request.Body!);
                var inputs = body.RootElement.GetProperty("input") is { ValueKind: JsonValueKind.Array } array
                    ? [.. array.EnumerateArray().Select(i => i.GetString()!)]
                    : new[] { body.RootElement.GetProperty("input").GetString()! };
                var base64 = body.RootElement.TryGetProperty("encoding_format", out var format) && format.GetString() == "base64";
                var data = inputs.Select((text, index) =>
                {
                    var vector = Vector(text);
                    return new Dictionary<string, object>
                    {
                        ["object"] = "embedding",
                        ["index"] = index,
                        ["embedding"] = base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())) : vector,
                    };
                });
                return new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData
                    {
                        DetectedBodyType = WireMock.Types.BodyType.String,
                        BodyAsString = JsonSerializer.Serialize(new
                        {
                            @object = "list",
                            data,
                            model = body.RootElement.GetProperty("model").GetString(),
                            usage = new { prompt_tokens = inputs.Length, total_tokens = inputs.Length },
                        }),
                    },
                };
            }));

    /// <summary>The endpoint fails with <paramref name="status"/> until <see cref="Serve"/> is called again after a reset.</summary>
    public static void Fail(WireMockServer server, int status = 503) =>
        server.Given(Request.Create().WithPath("/v1/embeddings").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"message":"overloaded"}}"""));

    public static float[] Vector(string text)
    {
        var vector = new float[Dimensions];
        foreach (Match word in Word().Matches(text.ToLowerInvariant()))
        {
            var (key, weight) = Concepts.TryGetValue(word.Value, out var concept) ? ("concept:" + concept, 5f) : (word.Value, 1f);
            vector[(int)(Fnv(key) % Dimensions)] += weight;
        }

        return vector;
    }

    private static uint Fnv(string text)
    {
        var hash = 2166136261;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        return hash;
    }

    [GeneratedRegex(@"\p{L}+|\d+")]
    private static partial Regex Word();
}
