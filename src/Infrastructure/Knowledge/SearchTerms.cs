using System.Globalization;
using System.Text;

namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>
/// The words a text is searched by: lower-case runs of letters and digits, accents folded, common
/// words of a few languages dropped, and a light English plural/-ing/-ed trim so that
/// "opening hours" finds "open ... hour".
/// </summary>
internal static class SearchTerms
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        // English
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had",
        "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "please", "so",
        "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "us", "was", "we", "were", "what",
        "when", "where", "which", "who", "why", "will", "with", "would", "you", "your", "hi", "hello", "hey", "thanks", "thank",
        // Conversational filler: "is it possible to get something ..." asks about the rest of the sentence.
        "about", "also", "any", "anything", "else", "get", "here", "just", "know", "like", "may", "might", "more", "much", "need",
        "ok", "okay", "possible", "should", "some", "something", "tell", "very", "want",
        // Spanish, French, German, Portuguese (the most common words only)
        "el", "la", "los", "las", "un", "una", "de", "del", "que", "y", "en", "es", "por", "para", "con", "se", "mi", "su", "lo",
        "hola", "le", "les", "des", "et", "est", "du", "pour", "je", "vous", "nous", "il", "elle", "ce", "qui", "au", "bonjour",
        "der", "die", "das", "und", "ist", "ich", "sie", "wir", "ein", "eine", "zu", "mit", "den", "dem", "nicht", "hallo",
        "o", "os", "um", "uma", "com", "para", "voce", "ola", "e",
    };

    public static List<string> Tokenize(string text)
    {
        var terms = new List<string>();
        var folded = Fold(text);
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var isWordChar = i < folded.Length && char.IsLetterOrDigit(folded[i]);
            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                Add(terms, folded[start..i]);
                start = -1;
            }
        }

        return terms;
    }

    private static void Add(List<string> terms, string word)
    {
        if (StopWords.Contains(word) || (word.Length == 1 && !char.IsDigit(word[0])))
        {
            return;
        }

        terms.Add(Stem(word));
    }

    private static string Stem(string word)
    {
        if (word.Length > 5 && word.EndsWith("ing", StringComparison.Ordinal))
        {
            return Undouble(word[..^3]);
        }

        if (word.Length > 4 && word.EndsWith("ed", StringComparison.Ordinal))
        {
            return Undouble(word[..^2]);
        }

        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            return word[..^3] + "y";
        }

        if (word.Length > 3 && word[^1] == 's' && word[^2] != 's')
        {
            return word[..^1];
        }

        return word;
    }

    private static string Undouble(string stem) =>
        stem.Length > 2 && stem[^1] == stem[^2] && !"aeiouls".Contains(stem[^1], StringComparison.Ordinal) ? stem[..^1] : stem;

    private static string Fold(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }
}
