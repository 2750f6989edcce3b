namespace CleanAgent.Domain.Agents;

/// <summary>An AI agent: the prompt and models that answer a WhatsApp number's customers.</summary>
public sealed class Agent
{
    public const string AutoKnowledgeLanguage = "auto";

    private Agent()
    {
        Name = string.Empty;
        Prompt = string.Empty;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; }
    public string Prompt { get; private set; }
    public string? LlmModel { get; private set; }
    public string? SttModel { get; private set; }
    public string? TtsModel { get; private set; }
    public string? TtsVoice { get; private set; }

    /// <summary>What the agent says when neither the model nor its knowledge has an answer.</summary>
    public string? FallbackReply { get; private set; }

    /// <summary>Words that hand the conversation to a person when a customer's text contains one (case and accents ignored).</summary>
    public IReadOnlyList<string> HandoffPhrases { get; private set; } = [];

    /// <summary>What the agent tells the customer when it hands the conversation to a person.</summary>
    public string? HandoffMessage { get; private set; }

    /// <summary>The language its knowledge is analysed in: <see cref="AutoKnowledgeLanguage"/> (each file's own, detected) or a language code.</summary>
    public string KnowledgeLanguage { get; private set; } = AutoKnowledgeLanguage;

    /// <summary>When the agent answers with a voice note.</summary>
    public VoiceReplies VoiceReplies { get; private set; }

    /// <summary>Whether the agent's model takes images: customers' photos and stickers are then shown to it.</summary>
    public bool AcceptsImages { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public static Agent Create(AgentSettings settings, DateTime now)
    {
        var agent = new Agent { Id = Guid.CreateVersion7(), CreatedAt = now };
        agent.Update(settings, now);
        return agent;
    }

    public void Update(AgentSettings settings, DateTime now)
    {
        Name = settings.Name.Trim();
        Prompt = settings.Prompt;
        LlmModel = Blank(settings.LlmModel);
        SttModel = Blank(settings.SttModel);
        TtsModel = Blank(settings.TtsModel);
        TtsVoice = Blank(settings.TtsVoice);
        FallbackReply = Blank(settings.FallbackReply);
        HandoffPhrases = (settings.HandoffPhrases ?? []).Select(p => p.Trim()).Where(p => p.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        HandoffMessage = Blank(settings.HandoffMessage);
        KnowledgeLanguage = Blank(settings.KnowledgeLanguage)?.ToLowerInvariant() ?? AutoKnowledgeLanguage;
        VoiceReplies = settings.VoiceReplies ?? VoiceReplies.Never;
        AcceptsImages = settings.AcceptsImages ?? false;
        UpdatedAt = now;
    }

    /// <summary>Whether <paramref name="text"/> contains one of <see cref="HandoffPhrases"/>: a case- and accent-insensitive substring match.</summary>
    public bool AsksForPerson(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || HandoffPhrases.Count == 0)
        {
            return false;
        }

        var folded = TextFolding.Fold(text);
        return HandoffPhrases.Any(p => folded.Contains(TextFolding.Fold(p), StringComparison.Ordinal));
    }

    /// <summary>Whether the answer to these messages is spoken: always, or when the customer sent a voice note.</summary>
    public bool AnswersInVoice(bool customerSpoke) =>
        VoiceReplies == VoiceReplies.Always || (VoiceReplies == VoiceReplies.WhenCustomerSpeaks && customerSpoke);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public sealed record AgentSettings(
    string Name,
    string Prompt,
    string? LlmModel = null,
    string? SttModel = null,
    string? TtsModel = null,
    string? TtsVoice = null,
    string? FallbackReply = null,
    IReadOnlyList<string>? HandoffPhrases = null,
    string? HandoffMessage = null,
    string? KnowledgeLanguage = null,
    VoiceReplies? VoiceReplies = null,
    bool? AcceptsImages = null);
