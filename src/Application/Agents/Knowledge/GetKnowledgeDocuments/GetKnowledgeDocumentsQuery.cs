using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Agents.Knowledge.GetKnowledgeDocuments;

public sealed record GetKnowledgeDocumentsQuery(Guid AgentId) : IQuery<IReadOnlyList<KnowledgeDocumentDto>>;

internal sealed class GetKnowledgeDocumentsQueryHandler(IApplicationDbContext db)
    : IQueryHandler<GetKnowledgeDocumentsQuery, IReadOnlyList<KnowledgeDocumentDto>>
{
    public async ValueTask<IReadOnlyList<KnowledgeDocumentDto>> Handle(GetKnowledgeDocumentsQuery query, CancellationToken cancellationToken)
    {
        if (!await db.Agents.AnyAsync(a => a.Id == query.AgentId, cancellationToken))
        {
            throw new NotFoundException("Agent", query.AgentId);
        }

        return await db.KnowledgeDocuments.AsNoTracking()
            .Where(d => d.AgentId == query.AgentId)
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Id)
            .Select(d => new KnowledgeDocumentDto(d.Id, d.FileName, d.ContentType, d.SizeBytes, d.ChunkCount, d.CreatedAt))
            .ToListAsync(cancellationToken);
    }
}
