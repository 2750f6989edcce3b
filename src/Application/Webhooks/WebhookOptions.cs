namespace CleanAgent.Application.Webhooks;

/// <summary>The <c>Meta</c> settings the webhook needs.</summary>
public sealed class WebhookOptions
{
    /// <summary>The token typed into Meta's webhook form; verification is refused while it is unset.</summary>
    public string? VerifyToken { get; set; }

    /// <summary>The most deliveries stored in one transaction.</summary>
    public int WebhookBatchMaxDeliveries { get; set; } = 256;

    /// <summary>The most payload bytes stored in one transaction (a single larger delivery is still stored, alone).</summary>
    public int WebhookBatchMaxBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Batches stored at once. One by default: on PostgreSQL two writers took 10% more webhooks as fast as answered but,
    /// at a steady 1,000/s, raced each other on new conversations and retried (p99 0.3–0.75 s became 3.1–3.5 s).
    /// </summary>
    public int WebhookBatchWriters { get; set; } = 1;
}
