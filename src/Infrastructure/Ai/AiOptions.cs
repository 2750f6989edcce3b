namespace CleanAgent.Infrastructure.Ai;

/// <summary>The <c>Ai</c> configuration section.</summary>
internal sealed class AiOptions
{
    public const string SectionName = "Ai";

    /// <summary><c>Offline</c> (answers from the agent's knowledge, no network) or <c>OpenAI</c> (any OpenAI-compatible endpoint).</summary>
    public string Provider { get; set; } = "Offline";

    /// <summary>The OpenAI-compatible base URL; null for api.openai.com. <c>/v1</c> is added when the URL has no path.</summary>
    public string? Endpoint { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The model for agents that name none.</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    /// <summary>How long one model call may take; kept below the reply lease (60 s) so a slow model does not let a second job start.</summary>
    public int TimeoutSeconds { get; set; } = 45;
}

internal enum AiProvider
{
    Offline,
    OpenAI,
}
