using System.Globalization;
using System.Text;

namespace CleanAgent.Domain.Agents;

/// <summary>Text compared the way a person reads it: "Menschlich" matches "MENSCHLİCH", "atención" matches "atencion".</summary>
internal static class TextFolding
{
    public static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormKD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                kept.Append(c);
            }
        }

        return kept.ToString().ToLowerInvariant().Replace("ß", "ss", StringComparison.Ordinal);
    }
}
