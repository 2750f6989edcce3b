namespace CleanAgent.Application.Replies;

/// <summary>Splits an answer into WhatsApp text messages of at most 4096 characters, at the most natural boundary.</summary>
public static class MessageSplitter
{
    public const int MaxLength = 4096;

    private static readonly string[] Boundaries = ["\n\n", "\n", ". ", "! ", "? ", "。", "; ", ", ", " "];

    public static IReadOnlyList<string> Split(string text, int maxLength = MaxLength)
    {
        var parts = new List<string>();
        var rest = text.Trim();
        while (rest.Length > maxLength)
        {
            var cut = FindCut(rest, maxLength);
            var part = rest[..cut].TrimEnd();
            if (part.Length > 0)
            {
                parts.Add(part);
            }

            rest = rest[cut..].TrimStart();
        }

        if (rest.Length > 0)
        {
            parts.Add(rest);
        }

        return parts;
    }

    private static int FindCut(string text, int maxLength)
    {
        foreach (var boundary in Boundaries)
        {
            // Do not cut so early that the parts become tiny.
            var at = text.LastIndexOf(boundary, maxLength - boundary.Length, StringComparison.Ordinal);
            if (at >= maxLength / 2)
            {
                return at + boundary.Length;
            }
        }

        // No boundary: a hard cut, never between the halves of a surrogate pair.
        return char.IsLowSurrogate(text[maxLength]) ? maxLength - 1 : maxLength;
    }
}
