using CleanAgent.Domain.Common;

namespace CleanAgent.Infrastructure.Meta;

/// <summary>The <c>Meta</c> configuration section, as far as sending is concerned.</summary>
internal sealed class MetaOptions
{
    public const string SectionName = "Meta";

    public string GraphApiBaseUrl { get; set; } = "https://graph.facebook.com";

    public string DefaultGraphApiVersion { get; set; } = GraphApiVersion.Default;

    /// <summary>Used for numbers that have no access token of their own.</summary>
    public string? FallbackAccessToken { get; set; }

    /// <summary>At most this many sends per second from one phone number id (Meta's default throughput is 80).</summary>
    public int MaxSendsPerSecond { get; set; } = 80;

    /// <summary>How long one Graph API call may take before it counts as a (retryable) time-out.</summary>
    public int TimeoutSeconds { get; set; } = 30;
}
