using System.Text.Json.Serialization;
using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Agents;
using Mediator;

namespace CleanAgent.Application.Agents.UpdateAgent;

public sealed record UpdateAgentCommand(
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
    bool? AcceptsImages = null) : ICommand<AgentDto>
{
    [JsonIgnore]
    public Guid Id { get; init; }
}

internal sealed class UpdateAgentCommandHandler(IApplicationDbContext db, TimeProvider time) : ICommandHandler<UpdateAgentCommand, AgentDto>
{
    public async ValueTask<AgentDto> Handle(UpdateAgentCommand command, CancellationToken cancellationToken)
    {
        var agent = await db.Agents.FindAsync([command.Id], cancellationToken) ?? throw new NotFoundException("Agent", command.Id);
        agent.Update(
            new AgentSettings(command.Name, command.Prompt, command.LlmModel, command.SttModel, command.TtsModel, command.TtsVoice, command.FallbackReply,
                command.HandoffPhrases, command.HandoffMessage, command.KnowledgeLanguage, command.VoiceReplies, command.AcceptsImages),
            time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        return agent.ToDto();
    }
}
