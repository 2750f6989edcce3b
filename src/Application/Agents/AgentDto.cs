using CleanAgent.Domain.Agents;

namespace CleanAgent.Application.Agents;

public sealed record AgentDto(
    Guid Id,
    string Name,
    string Prompt,
    string? LlmModel,
    string? SttModel,
    string? TtsModel,
    string? TtsVoice,
    string? FallbackReply,
    IReadOnlyList<string> HandoffPhrases,
    string? HandoffMessage,
    string KnowledgeLanguage,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    VoiceReplies VoiceReplies,
    bool AcceptsImages);
