using System.Text;

namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>
/// An RFC 4180 reader: quoted fields may hold separators, quotes ("") and line breaks; a quote inside
/// an unquoted field (5" screen) is kept as text, as spreadsheets do. An unbalanced quote or a row
/// with a different number of fields than the header is an error, since guessing would put answers
/// under the wrong question.
/// </summary>
internal static class CsvTable
{
    public static (string[] Header, List<string[]> Rows) Parse(string text)
    {
        var separator = GuessSeparator(text);
        var records = new List<(int Line, string[] Fields)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var quotedField = false;
        var quoteStartLine = 0;

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            if (c == '"' && field.Length == 0 && !quotedField)
            {
                inQuotes = true;
                quotedField = true;
                quoteStartLine = line;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
                quotedField = false;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                EndRecord();
                line++;
                recordLine = line;
            }
            else if (quotedField)
            {
                if (!char.IsWhiteSpace(c))
                {
                    throw new KnowledgeFileRejection($"Line {line}: text after a closing quote; double the quotes inside a quoted field (\"\").");
                }
            }
            else
            {
                field.Append(c);
            }
        }

        if (inQuotes)
        {
            throw new KnowledgeFileRejection($"Line {quoteStartLine}: a quoted field is never closed (unbalanced quotes).");
        }

        EndRecord();

        if (records.Count == 0)
        {
            throw new KnowledgeFileRejection("The CSV file has no header row.");
        }

        var header = records[0].Fields.Select((h, i) => string.IsNullOrWhiteSpace(h) ? $"column {i + 1}" : h.Trim()).ToArray();
        var rows = new List<string[]>();
        foreach (var (recordAt, row) in records.Skip(1))
        {
            if (row.Length != header.Length)
            {
                throw new KnowledgeFileRejection($"Line {recordAt}: {row.Length} fields, but the header has {header.Length}.");
            }

            rows.Add(row);
        }

        if (rows.Count == 0)
        {
            throw new KnowledgeFileRejection("The CSV file has a header but no rows.");
        }

        return (header, rows);

        void EndRecord()
        {
            fields.Add(field.ToString());
            field.Clear();
            quotedField = false;
            if (!(fields.Count == 1 && fields[0].Length == 0))
            {
                records.Add((recordLine, [.. fields]));
            }

            fields.Clear();
        }
    }

    private static char GuessSeparator(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        var header = end < 0 ? text : text[..end];
        char[] candidates = [',', ';', '\t'];
        return candidates.OrderByDescending(c => header.Count(h => h == c)).First();
    }
}
