using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CleanAgent.Bench;

/// <summary>A business number as the bench registers it, and as Meta would sign for it.</summary>
internal sealed record BenchNumber(string PhoneNumberId, string AppSecret)
{
    public byte[] SecretBytes { get; } = Encoding.UTF8.GetBytes(AppSecret);

    public Guid Id { get; set; }
}

/// <summary>One signed delivery: the raw bytes, the header and what it carries.</summary>
internal sealed record SignedWebhook(byte[] Body, string Signature, int Messages, string Customer);

/// <summary>Distinct webhooks like Meta's, generated on demand from their index (so nothing large is held in memory).</summary>
internal sealed class WebhookFactory(IReadOnlyList<BenchNumber> numbers, string runId, int customers)
{
    private static readonly string[] Words =
    [
        "hello", "order", "delivery", "tomorrow", "price", "please", "thanks", "where", "is", "my", "package", "can", "you", "help",
        "with", "the", "invoice", "refund", "size", "colour", "available", "store", "open", "today", "how", "much", "shipping", "to",
        "Lisbon", "Porto", "card", "payment", "failed", "again", "booking", "table", "for", "two", "at", "eight", "pm", "change",
    ];

    private static readonly string[] Names = ["Ana", "João", "Maria", "Pedro", "Inês", "Tiago", "Sofia", "Miguel", "Beatriz", "Rui"];

    /// <summary>Delivery <paramref name="index"/>: 1–3 text messages from one customer to one number.</summary>
    public SignedWebhook Create(long index, int? messageCount = null, string? customerOverride = null, string? text = null)
    {
        var number = numbers[(int)(index % numbers.Count)];
        var customer = customerOverride ?? CustomerOf(index);
        var count = messageCount ?? (int)(1 + Mix(index) % 3);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var buffer = new ArrayBufferWriter<byte>(1024 * count);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", "whatsapp_business_account");
            json.WriteStartArray("entry");
            json.WriteStartObject();
            json.WriteString("id", "1022901293" + (index % numbers.Count).ToString("00000", CultureInfo.InvariantCulture));
            json.WriteStartArray("changes");
            json.WriteStartObject();
            json.WriteStartObject("value");
            json.WriteString("messaging_product", "whatsapp");
            json.WriteStartObject("metadata");
            json.WriteString("display_phone_number", "1650555" + number.PhoneNumberId[^4..]);
            json.WriteString("phone_number_id", number.PhoneNumberId);
            json.WriteEndObject();
            json.WriteStartArray("contacts");
            json.WriteStartObject();
            json.WriteStartObject("profile");
            json.WriteString("name", Names[(int)(Mix(index + 7) % (ulong)Names.Length)]);
            json.WriteEndObject();
            json.WriteString("wa_id", customer);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("messages");
            for (var m = 0; m < count; m++)
            {
                json.WriteStartObject();
                json.WriteString("from", customer);
                json.WriteString("id", $"wamid.HBgM{runId}{index:x10}{m:x2}AA==");
                json.WriteString("timestamp", timestamp);
                json.WriteString("type", "text");
                json.WriteStartObject("text");
                json.WriteString("body", text ?? Sentence(index * 4 + m));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("field", "messages");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        var body = buffer.WrittenSpan.ToArray();
        return new SignedWebhook(body, Sign(body, number.SecretBytes), count, customer);
    }

    public string CustomerOf(long index) => "3519" + (10_000_000 + Mix(index + 3) % (ulong)customers).ToString(CultureInfo.InvariantCulture);

    public static string Sign(ReadOnlySpan<byte> body, byte[] secret)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(secret, body, hash);
        return "sha256=" + Convert.ToHexStringLower(hash);
    }

    /// <summary>8–40 words: the length of the messages people type to a business.</summary>
    private static string Sentence(long seed)
    {
        var words = 8 + (int)(Mix(seed) % 33);
        var builder = new StringBuilder(words * 7);
        for (var i = 0; i < words; i++)
        {
            builder.Append(i == 0 ? string.Empty : " ").Append(Words[(int)(Mix(seed * 64 + i) % (ulong)Words.Length)]);
        }

        return builder.Append('?').ToString();
    }

    private static ulong Mix(long value)
    {
        var x = (ulong)value + 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
