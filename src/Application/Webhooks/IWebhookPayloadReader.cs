namespace CleanAgent.Application.Webhooks;

/// <summary>Reads Meta's webhook JSON. Throws <see cref="InvalidWebhookPayloadException"/> for anything that is not a WhatsApp Business Account payload.</summary>
public interface IWebhookPayloadReader
{
    WebhookPayload Read(ReadOnlyMemory<byte> body);
}

/// <summary>Checks <c>X-Hub-Signature-256</c> against the raw bytes of a delivery.</summary>
public interface IWebhookSignatureVerifier
{
    bool IsValid(ReadOnlySpan<byte> body, string? signatureHeader, string appSecret);
}
