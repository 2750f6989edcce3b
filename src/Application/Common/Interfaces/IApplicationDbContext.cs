using CleanAgent.Domain.Agents;
using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Common.Interfaces;

public interface IApplicationDbContext
{
    DbSet<Agent> Agents { get; }
    DbSet<KnowledgeDocument> KnowledgeDocuments { get; }
    DbSet<KnowledgeChunk> KnowledgeChunks { get; }
    DbSet<WhatsAppNumber> WhatsAppNumbers { get; }
    DbSet<Conversation> Conversations { get; }
    DbSet<Message> Messages { get; }
    DbSet<PendingStatusUpdate> PendingStatusUpdates { get; }
    DbSet<NumberEvent> NumberEvents { get; }

    Task<int> SaveChangesAsync(CancellationToken cancellationToken);

    /// <summary>Reads an entity's stored values again (after another writer changed it), forgetting its unsaved changes.</summary>
    Task ReloadAsync(object entity, CancellationToken cancellationToken);

    /// <summary>How many times <see cref="ReloadAsync"/> has read an entity again in this unit of work.</summary>
    int Reloads { get; }

    /// <summary>Forgets every tracked change, so that a failed unit of work can be tried again from fresh reads.</summary>
    void DiscardChanges();
}
