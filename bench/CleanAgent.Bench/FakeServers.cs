using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CleanAgent.Bench;

/// <summary>A small Kestrel app inside the bench process, on 127.0.0.1 and a free port.</summary>
internal sealed class LocalServer(WebApplication app) : IAsyncDisposable
{
    public Uri BaseAddress { get; } = new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<LocalServer> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
        });
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LocalServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }
}

/// <summary>Meta's Graph API, answering at once: records when each text send arrived, per recipient.</summary>
internal sealed class FakeGraphApi
{
    private long _sends;
    private long _reads;
    private long _other;

    /// <summary>Recipient → the Stopwatch timestamps of the text sends to it.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<long>> SendsByRecipient { get; } = new(StringComparer.Ordinal);

    public long Sends => Interlocked.Read(ref _sends);

    public long Reads => Interlocked.Read(ref _reads);

    public long Other => Interlocked.Read(ref _other);

    public void Reset()
    {
        SendsByRecipient.Clear();
        Interlocked.Exchange(ref _sends, 0);
        Interlocked.Exchange(ref _reads, 0);
        Interlocked.Exchange(ref _other, 0);
    }

    public void Map(WebApplication app) => app.MapPost("/{version}/{phoneNumberId}/messages", async (HttpContext context) =>
    {
        var arrived = Stopwatch.GetTimestamp();
        using var json = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var root = json.RootElement;
        if (root.TryGetProperty("status", out var status) && status.GetString() == "read")
        {
            Interlocked.Increment(ref _reads);
            return Results.Text("""{"success":true}""", "application/json");
        }

        var to = root.TryGetProperty("to", out var t) ? t.GetString() ?? string.Empty : string.Empty;
        if (!root.TryGetProperty("type", out var type) || type.GetString() != "text")
        {
            Interlocked.Increment(ref _other);
        }
        else
        {
            SendsByRecipient.GetOrAdd(to, _ => new ConcurrentQueue<long>()).Enqueue(arrived);
            Interlocked.Increment(ref _sends);
        }

        var wamid = "wamid.FAKE" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        return Results.Text($$"""{"messaging_product":"whatsapp","contacts":[{"input":"{{to}}","wa_id":"{{to}}"}],"messages":[{"id":"{{wamid}}"}]}""", "application/json");
    });
}

/// <summary>An OpenAI-compatible chat endpoint that answers with a fixed short reply, at once or after <see cref="Delay"/>.</summary>
internal sealed class FakeLlm
{
    private long _calls;

    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>How long the model "thinks" (reply-slow-model: 2 s, as a real model takes seconds).</summary>
    public TimeSpan Delay { get; set; }

    public void Map(WebApplication app) => app.MapPost("/{**path}", async (HttpContext context, string path) =>
    {
        if (!path.EndsWith("chat/completions", StringComparison.Ordinal))
        {
            return Results.NotFound();
        }

        // Read the prompt as a real client library would send it, then answer without thinking.
        using var json = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var model = json.RootElement.TryGetProperty("model", out var m) ? m.GetString() : "bench";
        var n = Interlocked.Increment(ref _calls);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }

        return Results.Text($$$"""
            {"id":"chatcmpl-bench{{{n}}}","object":"chat.completion","created":{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}},"model":"{{{model}}}",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Thanks for your message! Your order ships tomorrow and arrives in two days."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":120,"completion_tokens":16,"total_tokens":136}}
            """, "application/json");
    });
}

/// <summary>
/// The ceiling: what any webhook receiver must do at least, and nothing more. Reads the body, parses the JSON to find
/// the phone_number_id and count the messages, checks the HMAC against that number's secret, answers 200.
/// </summary>
internal sealed class CeilingEndpoint(IReadOnlyList<BenchNumber> numbers)
{
    private readonly Dictionary<string, byte[]> _secrets = numbers.ToDictionary(n => n.PhoneNumberId, n => n.SecretBytes, StringComparer.Ordinal);
    private long _messages;

    public long Messages => Interlocked.Read(ref _messages);

    public void Map(WebApplication app) => app.MapPost("/api/meta-webhook", async (HttpContext context) =>
    {
        var length = (int)(context.Request.ContentLength ?? 0);
        if (length <= 0 || length > 3 * 1024 * 1024)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var body = new byte[length];
        await context.Request.Body.ReadExactlyAsync(body, context.RequestAborted);
        string? phoneNumberId = null;
        var messages = 0;
        using (var json = JsonDocument.Parse(body))
        {
            foreach (var entry in json.RootElement.GetProperty("entry").EnumerateArray())
            {
                foreach (var change in entry.GetProperty("changes").EnumerateArray())
                {
                    var value = change.GetProperty("value");
                    phoneNumberId = value.GetProperty("metadata").GetProperty("phone_number_id").GetString();
                    if (value.TryGetProperty("messages", out var list))
                    {
                        messages += list.GetArrayLength();
                    }
                }
            }
        }

        if (phoneNumberId is null || !_secrets.TryGetValue(phoneNumberId, out var secret) ||
            context.Request.Headers["X-Hub-Signature-256"].ToString() is not { Length: 71 } header)
        {
            return Results.Unauthorized();
        }

        Span<byte> expected = stackalloc byte[32];
        Span<byte> presented = stackalloc byte[32];
        HMACSHA256.HashData(secret, body, expected);
        if (Convert.FromHexString(header.AsSpan(7), presented, out _, out _) != System.Buffers.OperationStatus.Done ||
            !CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return Results.Unauthorized();
        }

        Interlocked.Add(ref _messages, messages);
        return Results.Text("""{"messagesStored":1}""", "application/json");
    });
}
