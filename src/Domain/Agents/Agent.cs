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

    /// <summary>The language its knowledge is analysed in: <see cref="AutoKnowledgeLanguage"/> (each file's own, detected) or a language code.</summary>
    public string KnowledgeLanguage { get; private set; } = AutoKnowledgeLanguage;

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
        KnowledgeLanguage = Blank(settings.KnowledgeLanguage)?.ToLowerInvariant() ?? AutoKnowledgeLanguage;
        UpdatedAt = now;
    }

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
    string? KnowledgeLanguage = null);
