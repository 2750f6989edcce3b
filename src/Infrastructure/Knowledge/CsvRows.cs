using CsvHelper;

namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>
/// A knowledge CSV read with CsvHelper: the separator is detected (<c>,</c> <c>;</c> tab), quoted fields
/// may hold separators, quotes and line breaks, and a stray quote inside an unquoted field (5" screen)
/// is kept as text. Text after a closing quote, a quote never closed, or a row with another number of
/// fields than the header is refused naming its line, since guessing would put answers under the
/// wrong question.
/// </summary>
internal static class CsvRows
{
    public static (string[] Header, List<(long Line, string[] Fields)> Rows) Read(string text, int maxRecordBytes, CancellationToken cancellationToken)
    {
        string? malformed = null;
        var options = new CsvReaderOptions
        {
            TrackLineNumbers = true,
            MaxRecordSize = maxRecordBytes,
            OnMalformedRecord = m => malformed ??= m.Reason switch
            {
                CsvMalformedReason.TextAfterClosingQuote => $"Line {m.LineNumber}: text after a closing quote; double the quotes inside a quoted field (\"\").",
                CsvMalformedReason.UnterminatedQuote => $"Line {m.LineNumber}: a quoted field is never closed (unbalanced quotes).",
                _ => null,
            },
        };

        try
        {
            using var reader = CsvReader.FromText(text, options);
            var header = reader.Headers.ToArray()
                .Select((h, i) => string.IsNullOrWhiteSpace(h) ? $"column {i + 1}" : h.Trim())
                .ToArray();
            if (header.Length == 0)
            {
                throw new KnowledgeFileRejection("The CSV file has no header row.");
            }

            var rows = new List<(long, string[])>();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (malformed is not null)
                {
                    throw new KnowledgeFileRejection(malformed);
                }

                if (reader.FieldCount != header.Length)
                {
                    throw new KnowledgeFileRejection($"Line {reader.LineNumber}: {reader.FieldCount} fields, but the header has {header.Length}.");
                }

                var fields = new string[reader.FieldCount];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = reader.GetString(i);
                }

                rows.Add((reader.LineNumber, fields));
            }

            if (malformed is not null)
            {
                throw new KnowledgeFileRejection(malformed);
            }

            if (rows.Count == 0)
            {
                throw new KnowledgeFileRejection("The CSV file has a header but no rows.");
            }

            return (header, rows);
        }
        catch (CsvFormatException e)
        {
            // MaxRecordSize: an unclosed quote near the top would otherwise swallow the whole file into one field.
            throw new KnowledgeFileRejection($"The CSV file cannot be read: {e.Message.Split('\n')[0]}");
        }
    }
}
