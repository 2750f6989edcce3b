namespace CleanAgent.Application.Agents.Knowledge;

/// <summary>Turns an uploaded knowledge file into searchable chunks.</summary>
public interface IKnowledgeFileReader
{
    /// <summary>The largest file accepted (<c>Knowledge:MaxFileBytes</c>).</summary>
    long MaxFileBytes { get; }

    /// <summary>
    /// Reads a CSV (one chunk per row), text, Markdown or PDF file (chunks of paragraphs). Throws
    /// <see cref="Common.Exceptions.UnsupportedMediaTypeException"/> for another kind of file and
    /// FluentValidation's <c>ValidationException</c> (on "file") for a file it cannot read.
    /// </summary>
    KnowledgeFileContent Read(ReadOnlyMemory<byte> content, string fileName, string? contentType, CancellationToken cancellationToken);
}

/// <param name="ContentType">The normalised type: <c>text/csv</c>, <c>text/plain</c>, <c>text/markdown</c> or <c>application/pdf</c>.</param>
/// <param name="Chunks">The searchable pieces, in file order.</param>
public sealed record KnowledgeFileContent(string ContentType, IReadOnlyList<KnowledgeFileChunk> Chunks);

public sealed record KnowledgeFileChunk(string Text, int Tokens);
