namespace CleanAgent.Domain.Agents;

/// <summary>A file of knowledge (CSV, text, Markdown) uploaded for an agent, kept as searchable chunks.</summary>
public sealed class KnowledgeDocument
{
    private readonly List<KnowledgeChunk> _chunks = [];

    private KnowledgeDocument()
    {
        FileName = string.Empty;
        ContentType = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid AgentId { get; private set; }
    public string FileName { get; private set; }
    public string ContentType { get; private set; }
    public long SizeBytes { get; private set; }
    public int ChunkCount { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>The model that made the chunks' vectors; null when they have none (no embedding model, or it failed at upload).</summary>
    public string? EmbeddingModel { get; private set; }

    public IReadOnlyList<KnowledgeChunk> Chunks => _chunks;

    public static KnowledgeDocument Create(
        Guid agentId, string fileName, string contentType, long sizeBytes, IEnumerable<(string Text, int Tokens)> chunks, DateTime now)
    {
        var document = new KnowledgeDocument
        {
            Id = Guid.CreateVersion7(),
            AgentId = agentId,
            FileName = fileName,
            ContentType = contentType,
            SizeBytes = sizeBytes,
            CreatedAt = now,
        };
        var ordinal = 0;
        foreach (var (text, tokens) in chunks)
        {
            document._chunks.Add(new KnowledgeChunk(document.Id, agentId, ordinal++, text, tokens));
        }

        document.ChunkCount = document._chunks.Count;
        return document;
    }

    /// <summary>Stores one vector per chunk, in chunk order, made by <paramref name="model"/>.</summary>
    public void AttachEmbeddings(string model, IReadOnlyList<byte[]> vectors)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (vectors.Count != _chunks.Count)
        {
            throw new ArgumentException($"{vectors.Count} vectors for {_chunks.Count} chunks.", nameof(vectors));
        }

        for (var i = 0; i < _chunks.Count; i++)
        {
            _chunks[i].Embedding = vectors[i];
        }

        EmbeddingModel = model;
    }
}

public sealed class KnowledgeChunk
{
    private KnowledgeChunk()
    {
        Text = string.Empty;
    }

    internal KnowledgeChunk(Guid documentId, Guid agentId, int ordinal, string text, int tokenCount)
    {
        Id = Guid.CreateVersion7();
        DocumentId = documentId;
        AgentId = agentId;
        Ordinal = ordinal;
        Text = text;
        TokenCount = tokenCount;
    }

    public Guid Id { get; private set; }
    public Guid DocumentId { get; private set; }
    public Guid AgentId { get; private set; }
    public int Ordinal { get; private set; }
    public string Text { get; private set; }
    public int TokenCount { get; private set; }

    /// <summary>The chunk's vector for semantic retrieval, in the embedder's compact form; null without one.</summary>
    public byte[]? Embedding { get; internal set; }
}
