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
}
