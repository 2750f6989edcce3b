using FluentValidation;

namespace CleanAgent.Application.Agents;

/// <summary>The rules every write of an agent's settings obeys.</summary>
internal static class AgentSettingsRules
{
    public const int MaxNameLength = 200;
    public const int MaxPromptLength = 32_000;
    public const int MaxModelLength = 200;

    public static void AddAgentRules<T>(this AbstractValidator<T> validator, Func<T, string?> name, Func<T, string?> prompt,
        Func<T, string?> llmModel, Func<T, string?> sttModel, Func<T, string?> ttsModel, Func<T, string?> ttsVoice, Func<T, string?> fallbackReply)
    {
        validator.RuleFor(x => name(x)).NotEmpty().MaximumLength(MaxNameLength).WithName("Name").OverridePropertyName("name");
        validator.RuleFor(x => prompt(x)).NotEmpty().MaximumLength(MaxPromptLength).WithName("Prompt").OverridePropertyName("prompt");
        validator.RuleFor(x => llmModel(x)).MaximumLength(MaxModelLength).WithName("LLM model").OverridePropertyName("llmModel");
        validator.RuleFor(x => sttModel(x)).MaximumLength(MaxModelLength).WithName("STT model").OverridePropertyName("sttModel");
        validator.RuleFor(x => ttsModel(x)).MaximumLength(MaxModelLength).WithName("TTS model").OverridePropertyName("ttsModel");
        validator.RuleFor(x => ttsVoice(x)).MaximumLength(MaxModelLength).WithName("TTS voice").OverridePropertyName("ttsVoice");
        validator.RuleFor(x => fallbackReply(x)).MaximumLength(4096).WithName("Fallback reply").OverridePropertyName("fallbackReply");
    }

    public const int MaxHandoffPhrases = 50;
    public const int MaxHandoffPhraseLength = 100;

    /// <summary>The handoff settings: a short list of short phrases, and the message that announces the person.</summary>
    public static void AddHandoffRules<T>(this AbstractValidator<T> validator, Func<T, IReadOnlyList<string>?> phrases, Func<T, string?> message)
    {
        validator.RuleFor(x => phrases(x)).Must(p => p is null || p.Count <= MaxHandoffPhrases)
            .WithMessage($"At most {MaxHandoffPhrases} handoff phrases.").OverridePropertyName("handoffPhrases");
        validator.RuleForEach(x => phrases(x)).Must(p => p is not null && p.Length <= MaxHandoffPhraseLength)
            .WithMessage($"Each handoff phrase has at most {MaxHandoffPhraseLength} characters.").OverridePropertyName("handoffPhrases");
        validator.RuleFor(x => message(x)).MaximumLength(4096).WithName("Handoff message").OverridePropertyName("handoffMessage");
    }

    /// <summary>The languages knowledge can be analysed in (Lucene's analyzers and Snowball stemmers), besides "auto".</summary>
    public static readonly IReadOnlyList<string> KnowledgeLanguages = ["en", "de", "es", "fr", "it", "pt", "nl"];

    public static void AddKnowledgeLanguageRule<T>(this AbstractValidator<T> validator, Func<T, string?> knowledgeLanguage) =>
        validator.RuleFor(x => knowledgeLanguage(x))
            .Must(l => string.IsNullOrWhiteSpace(l) || l.Trim().Equals(Domain.Agents.Agent.AutoKnowledgeLanguage, StringComparison.OrdinalIgnoreCase)
                || KnowledgeLanguages.Contains(l.Trim().ToLowerInvariant()))
            .WithMessage($"Knowledge language must be \"auto\" or one of {string.Join(", ", KnowledgeLanguages)}.")
            .OverridePropertyName("knowledgeLanguage");
}
