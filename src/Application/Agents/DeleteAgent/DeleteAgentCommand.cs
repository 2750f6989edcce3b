using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Agents.DeleteAgent;

/// <summary>
/// Deletes an agent and its knowledge. An agent that numbers still link to is not deleted (409):
/// silently moving live numbers to the default agent would change who answers customers.
/// </summary>
public sealed record DeleteAgentCommand(Guid Id) : ICommand;

internal sealed class DeleteAgentCommandHandler(IApplicationDbContext db) : ICommandHandler<DeleteAgentCommand>
{
    public async ValueTask<Unit> Handle(DeleteAgentCommand command, CancellationToken cancellationToken)
    {
        var agent = await db.Agents.FindAsync([command.Id], cancellationToken) ?? throw new NotFoundException("Agent", command.Id);
        var linked = await db.WhatsAppNumbers.Where(n => n.AgentId == command.Id).Select(n => n.DisplayName).ToListAsync(cancellationToken);
        if (linked.Count > 0)
        {
            throw new ConflictException(
                $"Agent '{agent.Name}' is linked to {linked.Count} WhatsApp number(s) ({string.Join(", ", linked)}). Link them to another agent first.");
        }

        // Knowledge documents and their chunks go with the agent in the same statement (ON DELETE CASCADE).
        db.Agents.Remove(agent);
        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
