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
    /// Batches stored at once. Null: one on SQLite (a single writer anyway), two on a server database, where a batch
    /// mostly waits on round trips and the next one can be written meanwhile.
    /// </summary>
    public int? WebhookBatchWriters { get; set; }
}
