using CleanAgent.Domain.Agents;

namespace CleanAgent.Application.Agents.Knowledge;

public sealed record KnowledgeDocumentDto(Guid Id, string FileName, string ContentType, long SizeBytes, int ChunkCount, DateTime CreatedAt)
{
    internal static KnowledgeDocumentDto From(KnowledgeDocument document) =>
        new(document.Id, document.FileName, document.ContentType, document.SizeBytes, document.ChunkCount, document.CreatedAt);
}
