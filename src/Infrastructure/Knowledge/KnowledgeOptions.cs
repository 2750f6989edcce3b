namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>The <c>Knowledge</c> configuration section.</summary>
internal sealed class KnowledgeOptions
{
    public const string SectionName = "Knowledge";

    /// <summary>The largest knowledge file accepted, in bytes (2 MB).</summary>
    public long MaxFileBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Text and Markdown paragraphs are merged into chunks of about this many tokens.</summary>
    public int ChunkTokens { get; set; } = 300;

    /// <summary>The knowledge indexes kept in memory, all agents together, in megabytes.</summary>
    public int IndexCacheMegabytes { get; set; } = 256;

    /// <summary>
    /// With an embedding model: the cosine similarity from which a chunk counts as close in meaning to a question. It
    /// depends on the model (unrelated texts score about 0.1–0.3 with OpenAI's text-embedding-3, higher with some others).
    /// </summary>
    public double MinimumSimilarity { get; set; } = 0.5;

    /// <summary>
    /// With an embedding model: when the background job gives vectors to chunks that have none (files uploaded while the
    /// endpoint was down, or before the model was set or changed). A Hangfire cron expression; every 5 minutes.
    /// </summary>
    public string EmbeddingJobCron { get; set; } = "*/5 * * * *";

    /// <summary>At most this many chunks are embedded per run of that job (32 requests of 64 texts).</summary>
    public int EmbeddingChunksPerRun { get; set; } = 2048;
}
