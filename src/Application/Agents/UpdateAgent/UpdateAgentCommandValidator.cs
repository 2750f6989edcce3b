using FluentValidation;

namespace CleanAgent.Application.Agents.UpdateAgent;

internal sealed class UpdateAgentCommandValidator : AbstractValidator<UpdateAgentCommand>
{
    public UpdateAgentCommandValidator()
    {
        this.AddAgentRules(x => x.Name, x => x.Prompt, x => x.LlmModel, x => x.SttModel, x => x.TtsModel, x => x.TtsVoice, x => x.FallbackReply);
        this.AddHandoffRules(x => x.HandoffPhrases, x => x.HandoffMessage);
        this.AddKnowledgeLanguageRule(x => x.KnowledgeLanguage);
        RuleFor(x => x.VoiceReplies).IsInEnum().WithName("Voice replies").OverridePropertyName("voiceReplies");
    }
}
