using System.Globalization;
using System.Text;
using CleanAgent.Application.Replies;
using CleanAgent.Infrastructure.Knowledge;

namespace CleanAgent.Infrastructure.Ai;

/// <summary>
/// The no-network responder (<c>Ai:Provider=Offline</c>): answers with the best knowledge match when
/// it fits the question, says so when it is unsure (a near match: the answer, then "Did you mean…?"
/// with the next rows' questions), greets a greeting, and otherwise says that someone will get back.
/// </summary>
internal sealed class OfflineReplyGenerator : IReplyGenerator
{
    /// <summary>
    /// The score (the share of the question's words, weighted by rarity, that a row holds) from which
    /// the best row is answered as it is.
    /// </summary>
    public const double AnswerScore = 0.5;

    /// <summary>
    /// From this score up to <see cref="AnswerScore"/> the best row is a near match: it is answered, and the
    /// next one or two rows are offered by their questions (with none to offer, the answer says which
    /// question it answers). Below it the question gets the fallback: a question about something else
    /// ("do you sell used cars?") shares a third or so of its words with some row.
    /// </summary>
    public const double NearMatchScore = 0.4;

    private const int Options = 2;

    private const int MaxTextAnswer = 1000;

    public const string DefaultFallback =
        "Thanks for your message! I can't answer that right now; someone from our team will get back to you.";

    private static readonly HashSet<string> AnswerColumns = new(StringComparer.Ordinal)
    {
        "answer", "answers", "response", "responses", "reply", "replies", "respuesta", "respuestas", "reponse", "reponses",
        "antwort", "antworten", "resposta", "respostas", "risposta", "risposte", "antwoord", "solution", "a",
    };

    private static readonly HashSet<string> GreetingWords = new(StringComparer.Ordinal)
    {
        "hi", "hii", "hello", "hey", "heya", "hiya", "yo", "there", "good", "morning", "afternoon", "evening", "day",
        "hola", "buenas", "buenos", "buen", "dia", "dias", "tardes", "noches", "bonjour", "bonsoir", "salut", "coucou",
        "hallo", "guten", "tag", "morgen", "abend", "servus", "moin", "ciao", "buongiorno", "ola", "oi", "bom", "boa", "tarde", "noite",
    };

    /// <summary>The answer to voice notes that nobody can hear (<c>Speech:Provider=None</c>, or the transcript failed): never silence.</summary>
    public const string VoiceNoteReply =
        "Thanks for your voice message! I can't listen to audio here, so could you please type your message? I'll answer right away.";

    public Task<string> GenerateAsync(ReplyRequest request, CancellationToken cancellationToken)
    {
        var spoken = request.CustomerMessages.Where(m => m != InboundRendering.UnheardVoiceNote).ToList();
        if (request.UnheardVoiceNotes > 0 && spoken.All(string.IsNullOrWhiteSpace))
        {
            return Task.FromResult(VoiceNoteReply);
        }

        var best = request.Knowledge.FirstOrDefault();
        if (best is not null && best.Score >= NearMatchScore && AnswerFrom(best) is { Length: > 0 } answer)
        {
            return Task.FromResult(best.Score >= AnswerScore ? answer : WithOptions(answer, best, request.Knowledge.Skip(1)));
        }

        var words = Words(string.Join(' ', spoken));
        if (words.Count > 0 && words.All(GreetingWords.Contains))
        {
            return Task.FromResult(Greeting(words, request.CustomerName));
        }

        return Task.FromResult(string.IsNullOrWhiteSpace(request.FallbackReply) ? DefaultFallback : request.FallbackReply.Trim());
    }

    private static string WithOptions(string answer, KnowledgeMatch best, IEnumerable<KnowledgeMatch> others)
    {
        var questions = others
            .Where(m => IsCsvRow(m) && m.Text != best.Text)
            .Select(m => QuestionOf(ColumnsOf(m.Text)))
            .Where(q => q is { Length: > 0 })
            .Distinct(StringComparer.Ordinal)
            .Take(Options)
            .Select(q => $"“{q}”")
            .ToList();
        var (didYouMean, or, ifAsking) = KnowledgeLanguages.Detect(best.Text) switch
        {
            "de" => ("Meinten Sie", "oder", "Falls Sie fragen"),
            "es" => ("¿Quería decir", "o", "Si pregunta"),
            "fr" => ("Vouliez-vous dire", "ou", "Si vous demandez"),
            "it" => ("Intendeva", "o", "Se chiede"),
            "pt" => ("Quis dizer", "ou", "Se pergunta"),
            "nl" => ("Bedoelde u", "of", "Als u vraagt"),
            _ => ("Did you mean", "or", "If you're asking"),
        };
        if (questions.Count > 0)
        {
            return $"{answer}\n\n{didYouMean} {string.Join($" {or} ", questions)}?";
        }

        return IsCsvRow(best) && QuestionOf(ColumnsOf(best.Text)) is { } question ? $"{ifAsking} “{question}”: {answer}" : answer;
    }

    /// <summary>A row's question: the first column that is not its answer.</summary>
    private static string? QuestionOf(List<(string Column, string Value)> columns)
    {
        var answer = PickAnswer(columns);
        return columns.Select(c => c.Value).FirstOrDefault(v => v != answer && v.Length is > 0 and <= 200);
    }

    private static string AnswerFrom(KnowledgeMatch match) =>
        IsCsvRow(match) && ColumnsOf(match.Text) is { Count: > 0 } columns
            ? PickAnswer(columns)
            : Shorten(match.Text.Trim());

    private static bool IsCsvRow(KnowledgeMatch match)
    {
        var extension = Path.GetExtension(match.DocumentName).ToLowerInvariant();
        if (extension == ".csv")
        {
            return true;
        }

        if (extension is ".txt" or ".text" or ".md" or ".markdown")
        {
            return false;
        }

        var lines = match.Text.Split('\n');
        return lines.Length > 1 && lines.All(l => l.IndexOf(": ", StringComparison.Ordinal) is > 0 and <= 60);
    }

    private static List<(string Column, string Value)> ColumnsOf(string chunk) =>
        [.. chunk.Split('\n')
            .Select(line => line.Split(": ", 2))
            .Where(parts => parts.Length == 2)
            .Select(parts => (parts[0].Trim(), parts[1].Trim()))];

    private static string PickAnswer(List<(string Column, string Value)> columns)
    {
        foreach (var (column, value) in columns)
        {
            if (Words(column).Any(AnswerColumns.Contains))
            {
                return value;
            }
        }

        return columns[^1].Value;
    }

    private static string Shorten(string text)
    {
        if (text.Length <= MaxTextAnswer)
        {
            return text;
        }

        var head = text[..MaxTextAnswer];
        var end = head.LastIndexOfAny(['.', '!', '?', '\n']);
        if (end >= MaxTextAnswer / 4)
        {
            return head[..(end + 1)].Trim();
        }

        var space = head.LastIndexOf(' ');
        return (space > 0 ? head[..space] : head).TrimEnd() + "…";
    }

    private static string Greeting(List<string> words, string? customerName)
    {
        var name = string.IsNullOrWhiteSpace(customerName) ? string.Empty : " " + customerName.Trim();
        if (words.Any(w => w is "hola" or "buenas" or "buenos" or "buen"))
        {
            return $"¡Hola{name}! ¿En qué puedo ayudarte?";
        }

        if (words.Any(w => w is "bonjour" or "bonsoir" or "salut" or "coucou"))
        {
            return $"Bonjour{name} ! Comment puis-je vous aider ?";
        }

        if (words.Any(w => w is "hallo" or "guten" or "servus" or "moin"))
        {
            return $"Hallo{name}! Wie kann ich helfen?";
        }

        if (words.Any(w => w is "ola" or "oi" or "bom" or "boa"))
        {
            return $"Olá{name}! Como posso ajudar?";
        }

        return $"Hello{name}! How can I help you today?";
    }

    private static List<string> Words(string text)
    {
        var folded = new StringBuilder();
        foreach (var c in text.ToLowerInvariant().Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category != UnicodeCategory.NonSpacingMark)
            {
                folded.Append(char.IsLetterOrDigit(c) ? c : ' ');
            }
        }

        return [.. folded.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)];
    }
}
