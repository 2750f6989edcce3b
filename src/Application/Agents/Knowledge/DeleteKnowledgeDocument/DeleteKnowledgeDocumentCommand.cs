using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Agents.Knowledge.DeleteKnowledgeDocument;

public sealed record DeleteKnowledgeDocumentCommand(Guid AgentId, Guid DocumentId) : ICommand;

internal sealed class DeleteKnowledgeDocumentCommandHandler(IApplicationDbContext db) : ICommandHandler<DeleteKnowledgeDocumentCommand>
{
    public async ValueTask<Unit> Handle(DeleteKnowledgeDocumentCommand command, CancellationToken cancellationToken)
    {
        if (!await db.Agents.AnyAsync(a => a.Id == command.AgentId, cancellationToken))
        {
            throw new NotFoundException("Agent", command.AgentId);
        }

        var document = db.KnowledgeDocuments.Where(d => d.Id == command.DocumentId && d.AgentId == command.AgentId);
        if (!await document.AnyAsync(cancellationToken))
        {
            throw new NotFoundException("Knowledge document", command.DocumentId);
        }

        // Set-based: a 5,000-row FAQ would otherwise be loaded only to be deleted row by row.
        await db.KnowledgeChunks.Where(c => c.DocumentId == command.DocumentId).ExecuteDeleteAsync(cancellationToken);
        await document.ExecuteDeleteAsync(cancellationToken);
        return Unit.Value;
    }
}
