using CleanAgent.Domain.Agents;

namespace CleanAgent.Application.Agents.Knowledge;

/// <summary>Stores a new knowledge file with its chunks, all or nothing: a 2 MB file may hold 48,000 rows.</summary>
public interface IKnowledgeDocumentWriter
{
    Task AddAsync(KnowledgeDocument document, CancellationToken cancellationToken);
}
