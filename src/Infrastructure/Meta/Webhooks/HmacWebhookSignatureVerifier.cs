using System.Security.Cryptography;
using System.Text;
using CleanAgent.Application.Webhooks;

namespace CleanAgent.Infrastructure.Meta.Webhooks;

/// <summary><c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256(app secret, raw body)&gt;</c>, compared in constant time.</summary>
internal sealed class HmacWebhookSignatureVerifier : IWebhookSignatureVerifier
{
    private const string Prefix = "sha256=";

    public bool IsValid(ReadOnlySpan<byte> body, string? signatureHeader, string appSecret)
    {
        if (signatureHeader is null || !signatureHeader.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ||
            signatureHeader.Length != Prefix.Length + 64)
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[32];
        if (Convert.FromHexString(signatureHeader.AsSpan(Prefix.Length), presented, out _, out var written) != System.Buffers.OperationStatus.Done ||
            written != 32)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}
