using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Agents;
using Mediator;

namespace CleanAgent.Application.Agents.CreateAgent;

public sealed record CreateAgentCommand(
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
    bool? AcceptsImages = null) : ICommand<AgentDto>;

internal sealed class CreateAgentCommandHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<CreateAgentCommand, AgentDto>
{
    public async ValueTask<AgentDto> Handle(CreateAgentCommand command, CancellationToken cancellationToken)
    {
        var agent = Agent.Create(
            new AgentSettings(command.Name, command.Prompt, command.LlmModel, command.SttModel, command.TtsModel, command.TtsVoice, command.FallbackReply,
                command.HandoffPhrases, command.HandoffMessage, command.KnowledgeLanguage, command.VoiceReplies, command.AcceptsImages),
            time.GetUtcNow().UtcDateTime);
        db.Agents.Add(agent);
        await db.SaveChangesAsync(cancellationToken);
        return agent.ToDto();
    }
}
