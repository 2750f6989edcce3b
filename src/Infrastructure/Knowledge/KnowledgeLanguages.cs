using System.Globalization;
using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Compound;
using Lucene.Net.Analysis.De;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Es;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.It;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Nl;
using Lucene.Net.Analysis.Pt;
using Lucene.Net.Analysis.Snowball;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>
/// The languages knowledge is analysed in, each with Lucene's stop words and Snowball stemmer, and the
/// words a customer adds around a question (greetings, thanks, "I would like to know") as more stop
/// words. English stop words are dropped in every language, since customers mix English in.
/// </summary>
internal static class KnowledgeLanguages
{
    public const string English = "en";

    internal static readonly LuceneVersion Version = LuceneVersion.LUCENE_48;

    private static readonly string[] EnglishFiller =
    [
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has",
        "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "please", "pls", "plz", "so", "than",
        "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "us", "was", "we", "were", "what", "when",
        "where", "which", "who", "why", "will", "with", "would", "you", "your", "u", "ur", "hi", "hello", "hey", "thanks", "thank", "thx",
        "about", "also", "any", "anything", "else", "get", "here", "just", "know", "like", "may", "might", "more", "much", "need",
        "ok", "okay", "possible", "should", "some", "something", "tell", "very", "want", "wondering", "question", "quick", "im",
        "i'm", "ive", "dont", "don't", "am", "good", "morning", "afternoon", "evening", "guys", "team", "there", "still", "really",
        "already", "yes", "no", "not", "one", "lot", "lots", "bit", "again", "now", "ask", "asking", "help", "let", "tried",
    ];

    private static readonly Dictionary<string, Language> All = new Language[]
    {
        new(English, "English", EnglishAnalyzer.DefaultStopSet, [], [
            "the", "and", "you", "your", "is", "are", "to", "of", "we", "our", "for", "with", "do", "can", "how", "what", "it", "this",
            "be", "have", "will", "my", "i", "if", "or", "not", "from", "at", "they"]),
        new("de", "German2", GermanAnalyzer.DefaultStopSet, [
            "hallo", "servus", "moin", "guten", "tag", "abend", "danke", "dank", "vielen", "bitte", "gerne", "gern", "mochte", "moechte",
            "wurde", "wuerde", "wissen", "frage", "kurze", "konnen", "koennen", "kann", "konnt", "koennt", "ihr", "euch", "eure", "euer",
            "habe", "hab", "hatte", "mal", "eigentlich", "schon", "noch", "gibt", "es", "wie", "was", "wo", "wann", "warum", "ja", "nein",
            "leute", "liebe", "lieber", "grusse", "gruesse", "gruss", "lg", "mfg", "sagen", "nur", "bzw", "also",
        ], [
            "der", "die", "das", "und", "ist", "sie", "wir", "ihr", "ihre", "nicht", "mit", "fur", "fuer", "auf", "ein", "eine", "kann",
            "konnen", "wie", "was", "ich", "zu", "den", "dem", "bei", "oder", "auch", "es", "unsere", "sich", "werden", "wird"]),
        new("es", "Spanish", SpanishAnalyzer.DefaultStopSet, [
            "hola", "buenas", "buenos", "dias", "tardes", "noches", "gracias", "favor", "porfa", "porfavor", "quiero", "quisiera",
            "queria", "saber", "puedo", "puede", "pueden", "podria", "podrian", "necesito", "tengo", "pregunta", "duda", "ustedes", "vosotros",
            "hay", "como", "cual", "cuales", "cuando", "donde", "que", "si", "saludos", "oye", "tambien", "ya", "todavia", "aun", "hacer",
        ], [
            "el", "la", "los", "las", "y", "es", "de", "que", "en", "un", "una", "para", "por", "con", "no", "su", "sus", "se", "como",
            "puedo", "mi", "al", "del", "lo", "nuestro", "nuestra", "esta", "son", "hay", "pero"]),
        new("fr", "French", FrenchAnalyzer.DefaultStopSet, [
            "bonjour", "bonsoir", "salut", "coucou", "merci", "svp", "stp", "plait", "voudrais", "veux", "souhaite", "souhaiterais",
            "savoir", "pouvez", "peux", "peut", "puis", "question", "comment", "quand", "quel", "quelle", "quels", "quelles", "combien",
            "est", "ce", "faut", "il", "y", "a", "ai", "cordialement", "madame", "monsieur", "aussi", "encore", "deja", "faire", "svp",
        ], [
            "le", "la", "les", "et", "est", "de", "des", "du", "que", "un", "une", "pour", "pas", "vous", "nous", "votre", "vos", "sur",
            "avec", "dans", "je", "ce", "qui", "au", "aux", "peut", "sont", "mais", "ou"]),
        new("it", "Italian", ItalianAnalyzer.DefaultStopSet, [
            "ciao", "buongiorno", "buonasera", "salve", "grazie", "favore", "vorrei", "voglio", "sapere", "posso", "potete", "puo",
            "domanda", "come", "quando", "quanto", "dove", "cosa", "anche", "ancora", "gia", "fare",
        ], [
            "il", "lo", "la", "gli", "le", "e", "di", "che", "un", "una", "per", "non", "con", "del", "della", "sono", "si", "come",
            "posso", "nostro", "al", "nel", "questo", "ma", "anche"]),
        new("pt", "Portuguese", PortugueseAnalyzer.DefaultStopSet, [
            "ola", "oi", "bom", "boa", "dia", "tarde", "noite", "obrigado", "obrigada", "favor", "quero", "queria", "gostaria", "saber",
            "posso", "pode", "podem", "preciso", "tenho", "pergunta", "duvida", "como", "quando", "onde", "qual", "quanto", "tambem", "ainda", "ja",
        ], [
            "o", "a", "os", "as", "e", "de", "do", "da", "dos", "das", "que", "um", "uma", "para", "nao", "com", "em", "no", "na", "voce",
            "seu", "sua", "posso", "por", "mais", "ao", "isso"]),
        new("nl", "Dutch", DutchAnalyzer.DefaultStopSet, [
            "hallo", "hoi", "goedemorgen", "goedemiddag", "dank", "bedankt", "graag", "alstublieft", "aub", "vraag", "weten", "kan",
            "kunnen", "kunt", "wil", "zou", "hoe", "wat", "wanneer", "waar", "groeten", "nog", "al",
        ], [
            "de", "het", "een", "en", "is", "van", "ik", "je", "u", "wij", "niet", "met", "voor", "op", "dat", "kan", "hoe", "wat", "uw",
            "zijn", "bij", "ook", "er", "naar"]),
    }.ToDictionary(l => l.Code);

    private static readonly CharArraySet Articles = new(Version, new[]
    {
        "l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu", "all", "dall", "dell", "nell", "sull",
        "coll", "pell", "gl", "agl", "dagl", "degl", "negl", "sugl", "un", "v",
    }, ignoreCase: true);

    public static IReadOnlyCollection<string> Codes => All.Keys;

    public static bool IsKnown(string code) => All.ContainsKey(code);

    /// <summary>
    /// The language of a knowledge file: the one whose common words it uses most. Counting function
    /// words costs microseconds and no memory, and FAQ files are long enough for it; a statistical
    /// detector (Lingua) is for short, mixed text and would hold its models in memory.
    /// </summary>
    public static string Detect(string text)
    {
        var counts = new Dictionary<string, int>();
        var seen = 0;
        foreach (var word in Words(Fold(text.Length > 20_000 ? text[..20_000] : text)))
        {
            seen++;
            foreach (var language in All.Values)
            {
                if (language.Marker.Contains(word))
                {
                    counts[language.Code] = counts.GetValueOrDefault(language.Code) + 1;
                }
            }
        }

        return seen == 0 || counts.Count == 0 ? English : counts.MaxBy(c => c.Value).Key;
    }

    /// <summary>An analyzer for <paramref name="code"/>; <paramref name="compounds"/> (folded words) splits compound words into known parts.</summary>
    public static Analyzer AnalyzerFor(string code, CharArraySet? compounds) =>
        Analyzer.NewAnonymous((_, reader) =>
        {
            var language = All[code];
            Tokenizer source = new WhitespaceTokenizer(Version, reader);
            TokenStream stream = Normalized(source, code);
            stream = new StopFilter(Version, stream, language.StopWords);
            if (compounds is not null)
            {
                stream = new DictionaryCompoundWordTokenFilter(Version, stream, compounds, minWordSize: 6, minSubwordSize: 3, maxSubwordSize: 20, onlyLongestMatch: false);
            }

            stream = new SnowballFilter(stream, language.Stemmer);

            // Romance stemmers know their accented suffixes ("alquiláis"); accents go after them.
            stream = FoldsBeforeStemming(code) ? stream : new ASCIIFoldingFilter(stream);
            stream = new LengthFilter(Version, stream, 2, 40);
            return new TokenStreamComponents(source, stream);
        });

    /// <summary>The words of a text as the compound dictionary holds them: folded, before stop words and stemming.</summary>
    public static Analyzer WordsAnalyzer(string code) =>
        Analyzer.NewAnonymous((_, reader) =>
        {
            Tokenizer source = new WhitespaceTokenizer(Version, reader);
            TokenStream stream = Normalized(source, code);
            stream = new StopFilter(Version, stream, All[code].StopWords);
            return new TokenStreamComponents(source, stream);
        });

    /// <summary>Snowball's stem of a folded word, so that a compound's part "liefer" is found in "Lieferzeit".</summary>
    public static string Stem(string code, string word)
    {
        using var analyzer = Analyzer.NewAnonymous((_, reader) =>
        {
            Tokenizer source = new KeywordTokenizer(reader);
            return new TokenStreamComponents(source, new SnowballFilter(source, All[code].Stemmer));
        });
        return Terms(analyzer, word).FirstOrDefault() ?? word;
    }

    public static List<string> Terms(Analyzer analyzer, string text)
    {
        var terms = new List<string>();
        using var stream = analyzer.GetTokenStream("t", text);
        var term = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(term.ToString());
        }

        stream.End();
        return terms;
    }

    private static TokenStream Normalized(Tokenizer source, string code)
    {
        TokenStream stream = new LowerCaseFilter(Version, source);
        stream = new ElisionFilter(stream, Articles);

        // "e-mail" and "email", "check-in" and "check in": the parts and the joined word are both kept.
        stream = new WordDelimiterFilter(
            Version,
            stream,
            WordDelimiterFlags.GENERATE_WORD_PARTS | WordDelimiterFlags.GENERATE_NUMBER_PARTS | WordDelimiterFlags.CATENATE_WORDS
                | WordDelimiterFlags.STEM_ENGLISH_POSSESSIVE,
            null);
        if (code == "de")
        {
            // ä/ae → a, ö/oe → o, ü/ue → u, ß → ss: "Rueckgabe" is "Rückgabe".
            stream = new GermanNormalizationFilter(stream);
        }

        return FoldsBeforeStemming(code) ? new ASCIIFoldingFilter(stream) : stream;
    }

    private static bool FoldsBeforeStemming(string code) => code is "en" or "de" or "nl";

    internal static string Fold(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c == 'ß' ? "ss" : c.ToString());
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    private static IEnumerable<string> Words(string text) =>
        text.Split(static c => !char.IsLetter(c)).Where(w => w.Length > 0);

    private static string[] Split(this string text, Func<char, bool> isSeparator)
    {
        var words = new List<string>();
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || isSeparator(text[i]))
            {
                if (i > start)
                {
                    words.Add(text[start..i]);
                }

                start = i + 1;
            }
        }

        return [.. words];
    }

    private sealed class Language
    {
        public Language(string code, string stemmer, CharArraySet stopWords, string[] filler, string[] marker)
        {
            Code = code;
            Stemmer = stemmer;
            var words = stopWords.Select(w => w.ToString() ?? string.Empty)
                .SelectMany(w => new[] { w, Fold(w) })
                .Concat(EnglishAnalyzer.DefaultStopSet.Select(w => w.ToString() ?? string.Empty))
                .Concat(EnglishFiller)
                .Concat(filler);
            StopWords = new CharArraySet(Version, words.ToList(), ignoreCase: false).AsReadOnly();
            Marker = new HashSet<string>(marker.Select(Fold), StringComparer.Ordinal);
        }

        public string Code { get; }

        public string Stemmer { get; }

        public CharArraySet StopWords { get; }

        public HashSet<string> Marker { get; }
    }
}
