using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace CleanAgent.Infrastructure.Meta.Sandbox;

/// <summary>Webhook bodies in Meta's exact shape (WhatsApp Cloud API, field "messages"), and their signature.</summary>
internal static class SandboxWebhooks
{
    private const string SandboxBusinessAccountId = "999000000000000";

    public static string NewWamid() => "wamid.SBX" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] CustomerText(string phoneNumberId, string displayPhoneNumber, string customerWaId, string customerName, string wamid, string text, DateTimeOffset at) =>
        Envelope(phoneNumberId, displayPhoneNumber, value =>
        {
            value["contacts"] = new JsonArray(new JsonObject
            {
                ["profile"] = new JsonObject { ["name"] = customerName },
                ["wa_id"] = customerWaId,
            });
            value["messages"] = new JsonArray(new JsonObject
            {
                ["from"] = customerWaId,
                ["id"] = wamid,
                ["timestamp"] = Seconds(at),
                ["text"] = new JsonObject { ["body"] = text },
                ["type"] = "text",
            });
        });

    public static byte[] Status(string phoneNumberId, string recipientWaId, string wamid, string status, DateTimeOffset at) =>
        Envelope(phoneNumberId, string.Empty, value => value["statuses"] = new JsonArray(new JsonObject
        {
            ["id"] = wamid,
            ["status"] = status,
            ["timestamp"] = Seconds(at),
            ["recipient_id"] = recipientWaId,
        }));

    /// <summary>What Meta puts in X-Hub-Signature-256: sha256= and the hex HMAC-SHA256 of the raw body with the App Secret.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string appSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));

    private static byte[] Envelope(string phoneNumberId, string displayPhoneNumber, Action<JsonObject> fill)
    {
        var value = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new JsonObject { ["display_phone_number"] = displayPhoneNumber, ["phone_number_id"] = phoneNumberId },
        };
        fill(value);
        var root = new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = SandboxBusinessAccountId,
                ["changes"] = new JsonArray(new JsonObject { ["value"] = value, ["field"] = "messages" }),
            }),
        };
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
