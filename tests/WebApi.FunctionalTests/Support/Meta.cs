using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>What Meta does: signs and posts webhooks; and what an operator does first: adds a number.</summary>
public static class Meta
{
    public const string AppSecret = "test-app-secret-5f1c2e";
    public const string AccessToken = "fake-test-access-token-7788";

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "meta", name);

    public static byte[] Fixture(string name) => File.ReadAllBytes(FixturePath(name));

    public static IEnumerable<string> WebhookFixtures() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "meta"), "wh_*.json").Select(Path.GetFileName).OfType<string>().Order();

    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static async Task<HttpResponseMessage> PostWebhookAsync(this HttpClient client, byte[] body, string? secret = AppSecret, string? signature = null)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/meta-webhook") { Content = content };
        var header = signature ?? (secret is null ? null : Sign(body, secret));
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", header);
        }

        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostWebhookAsync(this HttpClient client, string json, string? secret = AppSecret) =>
        client.PostWebhookAsync(Encoding.UTF8.GetBytes(json), secret);

    private static int _phoneSuffix;

    /// <summary>Adds a number through the admin API and returns its id.</summary>
    public static async Task<Guid> AddNumberAsync(
        this HttpClient admin, string phoneNumberId, string appSecret = AppSecret, Guid? agentId = null, string? accessToken = AccessToken, string status = "Active",
        int? maxSendsPerSecond = null, string? wabaId = null, string businessId = "9876543210")
    {
        var suffix = Interlocked.Increment(ref _phoneSuffix) % 100;
        var response = await admin.PostAsJsonAsync("/api/whatsapp-numbers", new
        {
            phoneNumber = $"+1 650 253 00{suffix:00}",
            displayName = $"Number {phoneNumberId}",
            phoneNumberId,
            status,
            agentId,
            appSecret,
            accessToken,
            appId = "1234567890",
            businessId,
            maxSendsPerSecond,
            wabaId,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>A text-message webhook like Meta's, for hand-written cases.</summary>
    public static string TextWebhook(string phoneNumberId, string from, string wamid, string body, string name = "Ana", long timestamp = 1_760_000_000) =>
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
                        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = name }, ["wa_id"] = from }),
                        ["messages"] = new JsonArray(new JsonObject
                        {
                            ["from"] = from,
                            ["id"] = wamid,
                            ["timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            ["type"] = "text",
                            ["text"] = new JsonObject { ["body"] = body },
                        }),
                    },
                }),
            }),
        }.ToJsonString();
}
