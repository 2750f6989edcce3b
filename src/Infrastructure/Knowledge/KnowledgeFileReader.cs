using System.Text;
using System.Text.RegularExpressions;
using CleanAgent.Application.Agents.Knowledge;
using CleanAgent.Application.Common.Exceptions;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.Options;
using Microsoft.ML.Tokenizers;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace CleanAgent.Infrastructure.Knowledge;

internal sealed partial class KnowledgeFileReader(IOptions<KnowledgeOptions> options) : IKnowledgeFileReader
{
    private const string Csv = "text/csv";
    private const string PlainText = "text/plain";
    private const string Markdown = "text/markdown";
    private const string Pdf = "application/pdf";

    /// <summary>Column names longer than this are cut: they are repeated in every row's chunk.</summary>
    internal const int MaxHeaderChars = 100;

    /// <summary>A run of characters without a space is cut into pieces of this length (for counting tokens and for chunks).</summary>
    internal const int MaxWordChars = 64;

    /// <summary>A file may be stored as at most this many times its size (plus <see cref="StoredAllowanceChars"/>).</summary>
    internal const int MaxStoredPerFileChar = 4;

    internal const int StoredAllowanceChars = 64 * 1024;

    // Loading the cl100k_base vocabulary takes a moment; do it once per process.
    private static readonly Lazy<Tokenizer> Tokens = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly KnowledgeOptions _options = options.Value;

    public long MaxFileBytes => _options.MaxFileBytes;

    /// <summary>
    /// cl100k_base tokens, counted on pieces of bounded length: byte-pair encoding of one long run of a
    /// character is quadratic in its length, so a 2 MB "word" would take minutes.
    /// </summary>
    public static int CountTokens(string text)
    {
        var total = 0;
        var start = 0;
        var run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            // Cut before a space (" word" is one token) or inside a run that is too long.
            run = char.IsWhiteSpace(text[i]) ? 0 : run + 1;
            if ((run == 0 && i - start >= 256) || run > MaxWordChars)
            {
                total += Tokens.Value.CountTokens(text.AsSpan(start, i - start));
                start = i;
                run = run > 0 ? 1 : 0;
            }
        }

        return start < text.Length ? total + Tokens.Value.CountTokens(text.AsSpan(start)) : total;
    }

    public KnowledgeFileContent Read(ReadOnlyMemory<byte> content, string fileName, string? contentType, CancellationToken cancellationToken)
    {
        var kind = KindOf(fileName, contentType);
        try
        {
            var chunks = kind switch
            {
                Csv => ChunkCsv(Decode(content.Span), content.Length, cancellationToken),
                Pdf => ChunkText(PdfText(content, cancellationToken), _options.ChunkTokens, cancellationToken),
                _ => ChunkText(Decode(content.Span), _options.ChunkTokens, cancellationToken),
            };
            if (chunks.Count == 0)
            {
                throw new KnowledgeFileRejection(kind == Pdf ? "The PDF holds no text (a scan without a text layer?)." : "The file holds no text.");
            }

            var stored = chunks.Sum(c => (long)c.Text.Length);
            if (stored > MaxStoredChars(content.Length))
            {
                throw TooLarge(stored, content.Length);
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
            ".pdf" => Pdf,
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
            "application/pdf" => Pdf,
            _ => throw new UnsupportedMediaTypeException(
                $"'{fileName}' ({mediaType ?? "no content type"}) is not a knowledge file CleanAgent can read: upload CSV (.csv), text (.txt), Markdown (.md) or PDF (.pdf)."),
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

    private static long MaxStoredChars(int fileBytes) => (MaxStoredPerFileChar * (long)fileBytes) + StoredAllowanceChars;

    private static KnowledgeFileRejection TooLarge(long stored, int fileBytes) =>
        new($"The file would be stored as more than {Math.Max(MaxStoredPerFileChar, stored / Math.Max(1, fileBytes))} times its size (every row repeats the column names); shorten the column names or drop empty columns.");

    private static string PdfText(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        try
        {
            using var document = PdfDocument.Open(content.ToArray());
            var text = new StringBuilder();
            foreach (var page in document.GetPages())
            {
                cancellationToken.ThrowIfCancellationRequested();

                // page.Text runs lines together; the content-order extractor keeps line breaks.
                text.Append(ContentOrderTextExtractor.GetText(page)).Append("\n\n");
            }

            return text.ToString();
        }
        catch (Exception e) when (e is not OperationCanceledException and not KnowledgeFileRejection)
        {
            throw new KnowledgeFileRejection("The PDF cannot be read (damaged or encrypted).");
        }
    }

    private static List<KnowledgeFileChunk> ChunkCsv(string text, int fileBytes, CancellationToken cancellationToken)
    {
        var (header, rows) = CsvRows.Read(text, maxRecordBytes: fileBytes + 1, cancellationToken);
        header = [.. header.Select(h => h.Length <= MaxHeaderChars ? h : h[..MaxHeaderChars].TrimEnd() + "…")];
        var chunks = new List<KnowledgeFileChunk>(rows.Count);
        var stored = 0L;
        foreach (var (_, row) in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (stored > MaxStoredChars(fileBytes))
            {
                throw TooLarge(stored, fileBytes);
            }

            var lines = header
                .Zip(row)
                .Where(p => !string.IsNullOrWhiteSpace(p.Second))
                .Select(p => $"{p.First}: {Whitespace().Replace(p.Second, " ").Trim()}");
            var chunk = string.Join('\n', lines);
            if (chunk.Length > 0)
            {
                stored += chunk.Length;
                chunks.Add(new KnowledgeFileChunk(chunk, CountTokens(chunk)));
            }
        }

        return chunks;
    }

    /// <summary>Paragraphs merged up to about <paramref name="maxTokens"/>; a longer paragraph is cut between sentences.</summary>
    internal static List<KnowledgeFileChunk> ChunkText(string text, int maxTokens, CancellationToken cancellationToken = default)
    {
        var paragraphs = ParagraphBreak().Split(text.Replace("\r\n", "\n", StringComparison.Ordinal))
            .Select(p => p.Trim())
            .Where(p => p.Length > 0);
        var pieces = new List<(string Text, int Tokens)>();
        foreach (var paragraph in paragraphs)
        {
            cancellationToken.ThrowIfCancellationRequested();
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
        foreach (var word in sentence.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).SelectMany(CutLong))
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

    private static IEnumerable<string> CutLong(string word)
    {
        for (var i = 0; i < word.Length; i += MaxWordChars)
        {
            yield return word.Substring(i, Math.Min(MaxWordChars, word.Length - i));
        }
    }

    [GeneratedRegex(@"\n[ \t]*\n\s*")]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex(@"(?<=[.!?。！？])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
