using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanAgent.Infrastructure.Audio;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>
/// The reply app with Meta's media endpoints and an OpenAI-compatible speech server faked at the HTTP edge, and a media
/// store of its own (FileSystem in a temporary folder, or Database).
/// </summary>
public class MediaTestApp : ReplyTestApp
{
    protected internal MediaTestApp(TestDatabase database, string store, string speechProvider = "OpenAI", string aiProvider = "OpenAI")
        : base(database, aiProvider)
    {
        Store = store;
        Settings["Media:Store"] = store;
        Settings["Media:RootPath"] = MediaRoot;
        Settings["Speech:Provider"] = speechProvider;
        Settings["Speech:Endpoint"] = Speech.Url;
        Settings["Speech:ApiKey"] = "fake-test-speech-key";
    }

    public string Store { get; }

    public string MediaRoot { get; } = Path.Combine(Path.GetTempPath(), "cleanagent-media-" + Guid.NewGuid().ToString("N")[..12]);

    public WireMockServer Speech { get; } = FakeHttpServer.Start();

    /// <summary>Real Ogg Opus bytes: <paramref name="seconds"/> of a 440 Hz tone, encoded with Concentus.</summary>
    public static byte[] VoiceNote(double seconds = 1.5)
    {
        var pcm = new short[(int)(16000 * seconds)];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000));
        }

        return OggOpus.Encode(pcm, 16000);
    }

    /// <summary>Meta's media endpoint knows <paramref name="mediaId"/>: it points at a url on the same fake that serves <paramref name="bytes"/>.</summary>
    public void ServeMedia(string mediaId, byte[] bytes, string mimeType, string? sha256Hex = null, long? fileSize = null, string version = "v24.0")
    {
        Graph.Given(Request.Create().WithPath($"/{version}/{mediaId}").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(MediaInfo(mediaId, $"/files/{mediaId}", mimeType, sha256Hex ?? Sha256Hex(bytes), fileSize ?? bytes.Length)));
        Graph.Given(Request.Create().WithPath($"/files/{mediaId}").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", mimeType).WithBody(bytes));
    }

    public string MediaInfo(string mediaId, string path, string mimeType, string sha256Hex, long fileSize) => JsonSerializer.Serialize(new
    {
        url = Graph.Url + path,
        mime_type = mimeType,
        sha256 = sha256Hex,
        file_size = fileSize,
        id = mediaId,
        messaging_product = "whatsapp",
    });

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The speech server transcribes every file as <paramref name="text"/>.</summary>
    public void SpeechTranscribes(string text)
    {
        Speech.Reset();
        Speech.Given(Request.Create().WithPath("/v1/audio/transcriptions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(new { text })));
    }

    /// <summary>The speech server speaks every text as <paramref name="audio"/>, answered with <paramref name="contentType"/>.</summary>
    public void SpeechSpeaks(byte[] audio, string contentType = "audio/ogg")
    {
        Speech.Given(Request.Create().WithPath("/v1/audio/speech").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", contentType).WithBody(audio));
    }

    /// <summary>The speech server fails every speech request with <paramref name="status"/>.</summary>
    public void SpeechFails(int status)
    {
        Speech.Given(Request.Create().WithPath("/v1/audio/speech").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody("""{"error":{"message":"speech is down"}}"""));
    }

    /// <summary>The JSON bodies of the speech requests, in order.</summary>
    public IReadOnlyList<JsonElement> SpeechRequests() => Speech.LogEntries
        .Where(e => e.RequestMessage.Path == "/v1/audio/speech")
        .OrderBy(e => e.RequestMessage.DateTime)
        .Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.Clone())
        .ToList();

    private int _uploads;

    /// <summary>Meta's media upload (<c>POST /{version}/{phone-number-id}/media</c>) takes every file and gives it a new media id.</summary>
    public void GraphAcceptsUploads()
    {
        Graph.Given(Request.Create().WithPath(new WildcardMatcher("/*/*/media")).UsingPost()).AtPriority(2)
            .RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new WireMock.Util.BodyData
                {
                    DetectedBodyType = WireMock.Types.BodyType.String,
                    BodyAsString = $$"""{"id":"uploaded-{{Interlocked.Increment(ref _uploads)}}"}""",
                },
            }));
    }

    /// <summary>The files uploaded to Meta, with their form fields, in order.</summary>
    public async Task<IReadOnlyList<Upload>> UploadsAsync()
    {
        var uploads = new List<Upload>();
        foreach (var entry in Graph.LogEntries.Where(e => e.RequestMessage.Method == "POST" && e.RequestMessage.Path.EndsWith("/media", StringComparison.Ordinal))
            .OrderBy(e => e.RequestMessage.DateTime))
        {
            var contentType = MediaTypeHeaderValue.Parse(entry.RequestMessage.Headers!["Content-Type"].Single());
            var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(contentType.Boundary).Value!, new MemoryStream(entry.RequestMessage.BodyAsBytes!));
            var fields = new Dictionary<string, string>();
            byte[]? file = null;
            string? fileType = null;
            while (await reader.ReadNextSectionAsync() is { } section)
            {
                var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
                using var body = new MemoryStream();
                await section.Body.CopyToAsync(body);
                if (disposition.FileName.HasValue || disposition.FileNameStar.HasValue)
                {
                    file = body.ToArray();
                    fileType = section.ContentType;
                }
                else
                {
                    fields[HeaderUtilities.RemoveQuotes(disposition.Name).Value!] = System.Text.Encoding.UTF8.GetString(body.ToArray());
                }
            }

            uploads.Add(new Upload(entry.RequestMessage.Path, entry.RequestMessage.Headers!["Authorization"].Single(), fields, file ?? [], fileType));
        }

        return uploads;
    }

    /// <summary>The audio messages sent to Meta, in order.</summary>
    public IReadOnlyList<JsonElement> SentAudios() => Graph.LogEntries
        .Where(e => e.RequestMessage.Path.EndsWith("/messages", StringComparison.Ordinal) && e.RequestMessage.Body is { } b && b.Contains("\"type\":\"audio\"", StringComparison.Ordinal))
        .OrderBy(e => e.RequestMessage.DateTime)
        .Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.Clone())
        .ToList();

    /// <summary>A status webhook for one of the business's messages, as Meta sends it (stamped now).</summary>
    public static string StatusWebhook(string phoneNumberId, string recipient, string wamid, string status) =>
        new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "102290129340398",
                ["changes"] = new JsonArray(new JsonObject
                {
                    ["field"] = "messages",
                    ["value"] = new JsonObject
                    {
                        ["messaging_product"] = "whatsapp",
                        ["metadata"] = new JsonObject { ["display_phone_number"] = "16505553333", ["phone_number_id"] = phoneNumberId },
                        ["statuses"] = new JsonArray(new JsonObject
                        {
                            ["id"] = wamid,
                            ["status"] = status,
                            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                            ["recipient_id"] = recipient,
                        }),
                    },
                }),
            }),
        }.ToJsonString();

    /// <summary>The requests to Meta's media endpoints and file urls (GETs), in order.</summary>
    public IReadOnlyList<string> MediaRequests() => Graph.LogEntries
        .Where(e => e.RequestMessage.Method == "GET")
        .OrderBy(e => e.RequestMessage.DateTime)
        .Select(e => e.RequestMessage.Path)
        .ToList();

    /// <summary>A media message's webhook as Meta sends it (stamped now), with <paramref name="media"/> as the type's object.</summary>
    public static string MediaWebhook(string phoneNumberId, string from, string wamid, string type, JsonObject media) =>
        new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "102290129340398",
                ["changes"] = new JsonArray(new JsonObject
                {
                    ["field"] = "messages",
                    ["value"] = new JsonObject
                    {
                        ["messaging_product"] = "whatsapp",
                        ["metadata"] = new JsonObject { ["display_phone_number"] = "16505553333", ["phone_number_id"] = phoneNumberId },
                        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Ana" }, ["wa_id"] = from }),
                        ["messages"] = new JsonArray(new JsonObject
                        {
                            ["from"] = from,
                            ["id"] = wamid,
                            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                            ["type"] = type,
                            [type] = media,
                        }),
                    },
                }),
            }),
        }.ToJsonString();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Speech.Stop();
        if (Directory.Exists(MediaRoot))
        {
            Directory.Delete(MediaRoot, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A file uploaded to Meta's media endpoint: its form fields and bytes.</summary>
public sealed record Upload(string Path, string Authorization, IReadOnlyDictionary<string, string> Fields, byte[] File, string? FileType);

public sealed class SqliteFileSystemMediaApp() : MediaTestApp(TestDatabase.Sqlite, "FileSystem");

public sealed class SqliteDatabaseMediaApp() : MediaTestApp(TestDatabase.Sqlite, "Database");

public sealed class PostgresFileSystemMediaApp() : MediaTestApp(TestDatabase.PostgreSql, "FileSystem");

public sealed class PostgresDatabaseMediaApp() : MediaTestApp(TestDatabase.PostgreSql, "Database");

/// <summary>No speech endpoint (<c>Speech:Provider=None</c>, the default), with the LLM faked.</summary>
public sealed class SqliteNoSpeechApp() : MediaTestApp(TestDatabase.Sqlite, "FileSystem", speechProvider: "None");

/// <summary>No speech endpoint and the offline responder.</summary>
public sealed class SqliteOfflineNoSpeechApp() : MediaTestApp(TestDatabase.Sqlite, "FileSystem", speechProvider: "None", aiProvider: "Offline");

/// <summary>
/// SQLite and the FileSystem store with a three-second reply lease and a sweeper that looks every second: a run that
/// lets its lease run out is taken over at once.
/// </summary>
public sealed class SqliteShortLeaseMediaApp : MediaTestApp
{
    public const int LeaseSeconds = 3;

    public SqliteShortLeaseMediaApp()
        : base(TestDatabase.Sqlite, "FileSystem")
    {
        Settings["WhatsApp:LeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["WhatsApp:SweepIntervalSeconds"] = "1";
        Settings["WhatsApp:SweepGraceSeconds"] = "1";
        Settings["WhatsApp:BurstWindowMilliseconds"] = "0";
        Settings["Speech:TimeoutSeconds"] = "30";
    }
}
