using System.Text;
using System.Text.RegularExpressions;
using CleanAgent.Application.Agents.Knowledge;
using CleanAgent.Application.Common.Exceptions;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.Options;
using Microsoft.ML.Tokenizers;

namespace CleanAgent.Infrastructure.Knowledge;

internal sealed partial class KnowledgeFileReader(IOptions<KnowledgeOptions> options) : IKnowledgeFileReader
{
    private const string Csv = "text/csv";
    private const string PlainText = "text/plain";
    private const string Markdown = "text/markdown";

    // Loading the cl100k_base vocabulary takes a moment; do it once per process.
    private static readonly Lazy<Tokenizer> Tokens = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly KnowledgeOptions _options = options.Value;

    public long MaxFileBytes => _options.MaxFileBytes;

    public static int CountTokens(string text) => Tokens.Value.CountTokens(text);

    public KnowledgeFileContent Read(ReadOnlyMemory<byte> content, string fileName, string? contentType)
    {
        var kind = KindOf(fileName, contentType);
        try
        {
            var text = Decode(content.Span);
            var chunks = kind == Csv ? ChunkCsv(text) : ChunkText(text, _options.ChunkTokens);
            if (chunks.Count == 0)
            {
                throw new KnowledgeFileRejection("The file holds no text.");
            }

            return new KnowledgeFileContent(kind, chunks);
        }
        catch (KnowledgeFileRejection rejection)
        {
            throw new ValidationException([new ValidationFailure("file", $"{fileName}: {rejection.Message}")]);
        }
    }

    private static string KindOf(string fileName, string? contentType)
    {
        var byExtension = Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".csv" => Csv,
            ".txt" or ".text" => PlainText,
            ".md" or ".markdown" => Markdown,
            _ => null,
        };
        if (byExtension is not null)
        {
            return byExtension;
        }

        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "text/csv" or "application/csv" => Csv,
            "text/plain" => PlainText,
            "text/markdown" or "text/x-markdown" => Markdown,
            _ => throw new UnsupportedMediaTypeException(
                $"'{fileName}' ({mediaType ?? "no content type"}) is not a knowledge file CleanAgent can read: upload CSV (.csv), text (.txt) or Markdown (.md)."),
        };
    }

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IndexOf((byte)0) >= 0)
        {
            throw new KnowledgeFileRejection("The file is binary (it contains NUL bytes), not text.");
        }

        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new KnowledgeFileRejection("The file is not valid UTF-8 text; save it as UTF-8 and upload it again.");
        }
    }

    private static List<KnowledgeFileChunk> ChunkCsv(string text)
    {
        var (header, rows) = CsvTable.Parse(text);
        var chunks = new List<KnowledgeFileChunk>(rows.Count);
        foreach (var row in rows)
        {
            var lines = header
                .Zip(row)
                .Where(p => !string.IsNullOrWhiteSpace(p.Second))
                .Select(p => $"{p.First}: {Whitespace().Replace(p.Second, " ").Trim()}");
            var chunk = string.Join('\n', lines);
            if (chunk.Length > 0)
            {
                chunks.Add(new KnowledgeFileChunk(chunk, CountTokens(chunk)));
            }
        }

        return chunks;
    }

    /// <summary>Paragraphs merged up to about <paramref name="maxTokens"/>; a longer paragraph is cut between sentences.</summary>
    internal static List<KnowledgeFileChunk> ChunkText(string text, int maxTokens)
    {
        var paragraphs = ParagraphBreak().Split(text.Replace("\r\n", "\n", StringComparison.Ordinal))
            .Select(p => p.Trim())
            .Where(p => p.Length > 0);
        var pieces = new List<(string Text, int Tokens)>();
        foreach (var paragraph in paragraphs)
        {
            var tokens = CountTokens(paragraph);
            if (tokens <= maxTokens)
            {
                pieces.Add((paragraph, tokens));
            }
            else
            {
                pieces.AddRange(SplitLong(paragraph, maxTokens));
            }
        }

        var chunks = new List<KnowledgeFileChunk>();
        var current = new StringBuilder();
        var currentTokens = 0;
        foreach (var (piece, tokens) in pieces)
        {
            if (current.Length > 0 && currentTokens + tokens > maxTokens)
            {
                Flush();
            }

            if (current.Length > 0)
            {
                current.Append("\n\n");
            }

            current.Append(piece);
            currentTokens += tokens;
        }

        Flush();
        return chunks;

        void Flush()
        {
            if (current.Length > 0)
            {
                var chunk = current.ToString();
                chunks.Add(new KnowledgeFileChunk(chunk, CountTokens(chunk)));
            }

            current.Clear();
            currentTokens = 0;
        }
    }

    private static IEnumerable<(string Text, int Tokens)> SplitLong(string paragraph, int maxTokens)
    {
        var current = new StringBuilder();
        var currentTokens = 0;
        foreach (var sentence in SentenceEnd().Split(paragraph).Where(s => s.Length > 0))
        {
            var tokens = CountTokens(sentence);
            if (tokens > maxTokens)
            {
                // A "sentence" with no full stop in 300 tokens (a list, a table): cut between words.
                foreach (var part in SplitWords(sentence, maxTokens))
                {
                    if (current.Length > 0)
                    {
                        yield return (current.ToString(), currentTokens);
                        current.Clear();
                        currentTokens = 0;
                    }

                    yield return part;
                }

                continue;
            }

            if (current.Length > 0 && currentTokens + tokens > maxTokens)
            {
                yield return (current.ToString(), currentTokens);
                current.Clear();
                currentTokens = 0;
            }

            current.Append(current.Length > 0 ? " " : string.Empty).Append(sentence);
            currentTokens += tokens;
        }

        if (current.Length > 0)
        {
            yield return (current.ToString(), currentTokens);
        }
    }

    private static IEnumerable<(string Text, int Tokens)> SplitWords(string sentence, int maxTokens)
    {
        // Token counts of separate words add up to about the count of the whole; close enough to cut by.
        var current = new StringBuilder();
        var currentTokens = 0;
        foreach (var word in sentence.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var tokens = CountTokens(" " + word);
            if (current.Length > 0 && currentTokens + tokens > maxTokens)
            {
                var text = current.ToString();
                yield return (text, CountTokens(text));
                current.Clear();
                currentTokens = 0;
            }

            current.Append(current.Length > 0 ? " " : string.Empty).Append(word);
            currentTokens += tokens;
        }

        if (current.Length > 0)
        {
            var text = current.ToString();
            yield return (text, CountTokens(text));
        }
    }

    [GeneratedRegex(@"\n[ \t]*\n\s*")]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex(@"(?<=[.!?。！？])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
