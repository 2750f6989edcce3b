namespace CleanAgent.Application.Agents.Knowledge;

/// <summary>
/// Turns knowledge chunks and questions into vectors for semantic retrieval (<c>Ai:EmbeddingModel</c>). Optional:
/// with no model, or when the endpoint fails, knowledge is searched by its words alone.
/// </summary>
public interface IKnowledgeEmbedder
{
    /// <summary>The embedding model, or null when semantic retrieval is off.</summary>
    string? Model { get; }

    /// <summary>
    /// One vector per text, in order, in the compact form stored with the chunks; null when semantic retrieval is off or
    /// the endpoint failed (logged as a warning, never thrown): the caller goes on without vectors.
    /// </summary>
    Task<IReadOnlyList<byte[]>?> TryEmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
