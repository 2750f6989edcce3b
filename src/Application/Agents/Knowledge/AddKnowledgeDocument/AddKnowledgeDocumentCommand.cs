using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Agents;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Agents.Knowledge.AddKnowledgeDocument;

/// <summary>
/// Adds a knowledge file to an agent. Nothing is stored unless the whole file could be read. With an embedding model
/// its chunks get vectors; if the embeddings endpoint fails the file is stored without them (searched by its words).
/// </summary>
public sealed record AddKnowledgeDocumentCommand(Guid AgentId, string FileName, string? ContentType, ReadOnlyMemory<byte> Content)
    : ICommand<KnowledgeDocumentDto>;

internal sealed class AddKnowledgeDocumentCommandHandler(IApplicationDbContext db, IKnowledgeFileReader reader, IKnowledgeEmbedder embedder, IKnowledgeDocumentWriter documents, TimeProvider time)
    : ICommandHandler<AddKnowledgeDocumentCommand, KnowledgeDocumentDto>
{
    public async ValueTask<KnowledgeDocumentDto> Handle(AddKnowledgeDocumentCommand command, CancellationToken cancellationToken)
    {
        if (!await db.Agents.AnyAsync(a => a.Id == command.AgentId, cancellationToken))
        {
            throw new NotFoundException("Agent", command.AgentId);
        }

        if (command.Content.Length > reader.MaxFileBytes)
        {
            throw new PayloadTooLargeException(
                $"The file is {command.Content.Length} bytes; knowledge files may be at most {reader.MaxFileBytes} bytes (Knowledge:MaxFileBytes).");
        }

        // Some browsers send the client's full path (C:\Users\me\faq.csv); keep only the name.
        var fileName = command.FileName.Trim().Split('/', '\\')[^1];
        var content = reader.Read(command.Content, fileName, command.ContentType, cancellationToken);
        var document = KnowledgeDocument.Create(
            command.AgentId,
            fileName,
            content.ContentType,
            command.Content.Length,
            content.Chunks.Select(c => (c.Text, c.Tokens)),
            time.GetUtcNow().UtcDateTime);
        if (embedder.Model is { } model && await embedder.TryEmbedAsync([.. content.Chunks.Select(c => c.Text)], cancellationToken) is { } vectors)
        {
            document.AttachEmbeddings(model, vectors);
        }

        await documents.AddAsync(document, cancellationToken);
        return KnowledgeDocumentDto.From(document);
    }
}
