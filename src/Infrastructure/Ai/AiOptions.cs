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

    /// <summary>
    /// The embedding model for semantic knowledge retrieval (an OpenAI-compatible <c>/v1/embeddings</c>); null or
    /// empty: lexical search only, no network. Independent of <see cref="Provider"/>: the offline responder uses it too.
    /// </summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>The embeddings endpoint's base URL, when it is not <see cref="Endpoint"/>; <see cref="ApiKey"/> is sent to either.</summary>
    public string? EmbeddingEndpoint { get; set; }

    /// <summary>Asks the model for vectors of this many dimensions (OpenAI's text-embedding-3 models can shorten theirs); null: the model's own.</summary>
    public int? EmbeddingDimensions { get; set; }

    /// <summary>How long one embeddings request may take (a question waits for it before the answer).</summary>
    public int EmbeddingTimeoutSeconds { get; set; } = 10;
}

internal enum AiProvider
{
    Offline,
    OpenAI,
}
