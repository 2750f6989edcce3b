namespace CleanAgent.WebApi.Infrastructure;

/// <summary>The <c>Meta</c> settings that bound what unauthenticated callers of <c>POST /api/meta-webhook</c> can hold.</summary>
public sealed class WebhookIntakeLimits
{
    /// <summary>Bodies read at once; one more is answered 503 with <c>Retry-After</c>, so memory held by bodies in flight is bounded.</summary>
    public int WebhookMaxConcurrentBodies { get; set; } = 64;

    /// <summary>The whole body must arrive within this many seconds (Kestrel's minimum data rate is only an average); else 408.</summary>
    public int WebhookBodyTimeoutSeconds { get; set; } = 15;
}
