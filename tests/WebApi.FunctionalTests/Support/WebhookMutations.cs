using System.Text;
using System.Text.Json.Nodes;

namespace CleanAgent.Testing;

/// <summary>
/// Strange but plausible variants of a real webhook body, for fuzz-style tests: values of the wrong type, strings that
/// are valid JSON but not valid text (lone surrogate escapes, NUL), control characters, very long strings, missing or
/// extra fields, and byte-level damage (truncation, invalid UTF-8). Deterministic for a given seed.
/// </summary>
public static class WebhookMutations
{
    private const string Marker = "\u2603MUTANT\u2603";

    private static readonly string[] RawStrings =
    [
        "\"\\ud83d\"", "\"\\udc4b\"", "\"a\\ud800b\\udfffc\"", "\"\\udc4b\\ud83d\"", "\"\\u0000\"", "\"x\\u0000y\"",
        "\"\\u001b[31m\\r\\n\"", "\"\\\\ud800\"", "\"\\ud83d\\\\u0041\"",
    ];

    public static IEnumerable<(string Name, byte[] Body)> Of(byte[] original, int count, int seed, bool longStrings = true)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var kind = random.Next(10);
            byte[]? mutated = kind switch
            {
                < 6 => MutateTree(original, random, longStrings),
                6 => original[..random.Next(original.Length)],
                7 => Corrupt(original, random),
                8 => MutateTree(MutateTree(original, random, longStrings) ?? original, random, longStrings),
                _ => Insert(original, random),
            };
            if (mutated is not null)
            {
                yield return ($"#{i} kind {kind}", mutated);
            }
        }
    }

    private static byte[]? MutateTree(byte[] body, Random random, bool longStrings)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        if (nodes.Count == 0)
        {
            return null;
        }

        var target = nodes[random.Next(nodes.Count)];
        string? raw = null;
        JsonNode? replacement;
        switch (random.Next(9))
        {
            case 0:
                raw = RawStrings[random.Next(RawStrings.Length)];
                replacement = JsonValue.Create(Marker);
                break;
            case 1: replacement = JsonValue.Create(longStrings ? new string('9', random.Next(200, 70_000)) : "9"); break;
            case 2: replacement = JsonValue.Create(random.Next()); break;
            case 3: replacement = null; break;
            case 4: replacement = new JsonArray(JsonValue.Create("x"), null, new JsonObject()); break;
            case 5: replacement = new JsonObject { ["id"] = 1, ["body"] = new JsonArray() }; break;
            case 6: replacement = JsonValue.Create(-1.5e300); break;
            case 7: replacement = JsonValue.Create(true); break;
            default:
                if (target.Parent is JsonObject parentObject)
                {
                    parentObject.Remove(target.GetPropertyName());
                    try
                    {
                        return Encoding.UTF8.GetBytes(root!.ToJsonString());
                    }
                    catch (InvalidOperationException)
                    {
                        return null; // a second mutation of a body that already holds a lone surrogate
                    }
                }

                replacement = JsonValue.Create("");
                break;
        }

        if (target.Parent is JsonObject owner)
        {
            owner[target.GetPropertyName()] = replacement;
        }
        else if (target.Parent is JsonArray array)
        {
            array[target.GetElementIndex()] = replacement;
        }
        else
        {
            return null;
        }

        string json;
        try
        {
            json = root!.ToJsonString();
        }
        catch (InvalidOperationException)
        {
            return null; // a second mutation of a body that already holds a lone surrogate
        }

        return Encoding.UTF8.GetBytes(raw is null ? json : json.Replace("\"" + Escaped(Marker) + "\"", raw, StringComparison.Ordinal).Replace("\"" + Marker + "\"", raw, StringComparison.Ordinal));
    }

    private static string Escaped(string text) => System.Text.Json.JsonSerializer.Serialize(text)[1..^1];

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o)
                {
                    if (child is not null)
                    {
                        into.Add(child);
                        Collect(child, into);
                    }
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    if (child is not null)
                    {
                        into.Add(child);
                        Collect(child, into);
                    }
                }

                break;
        }
    }

    private static byte[] Corrupt(byte[] body, Random random)
    {
        var copy = body.ToArray();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(0x80, 0x100);
        }

        return copy;
    }

    private static byte[] Insert(byte[] body, Random random)
    {
        // Inside a string value when it lands in one: invalid UTF-8 (a lone continuation byte, an overlong form, a surrogate encoded in UTF-8).
        byte[][] bad = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x1B, 0x0D, 0x0A]];
        var quote = Array.IndexOf(body, (byte)'"', random.Next(body.Length));
        var at = quote < 0 ? body.Length / 2 : quote + 1;
        return [.. body[..at], .. bad[random.Next(bad.Length)], .. body[at..]];
    }
}
