using System.Collections.Concurrent;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Domain.Agents;
using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CleanAgent.Infrastructure.Persistence;

/// <summary>
/// The model, shared by the three providers. Each provider has a subclass of its own so that its
/// migrations live apart (see <see cref="SqliteAppDbContext"/> and the others). The dashboard's operators (ASP.NET Core
/// Identity's tables) live here too, so one database, one migration history and one backup hold everything.
/// </summary>
public abstract class AppDbContext(DbContextOptions options) : IdentityDbContext<IdentityUser>(options), IApplicationDbContext, IDataProtectionKeyContext
{
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<KnowledgeDocument> KnowledgeDocuments => Set<KnowledgeDocument>();
    public DbSet<KnowledgeChunk> KnowledgeChunks => Set<KnowledgeChunk>();
    public DbSet<WhatsAppNumber> WhatsAppNumbers => Set<WhatsAppNumber>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<PendingStatusUpdate> PendingStatusUpdates => Set<PendingStatusUpdate>();
    public DbSet<NumberEvent> NumberEvents => Set<NumberEvent>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    internal DbSet<StoredMediaFile> MediaFiles => Set<StoredMediaFile>();

    public void DiscardChanges() => ChangeTracker.Clear();

    public Task ReloadAsync(object entity, CancellationToken cancellationToken)
    {
        Reloads++;
        return Entry(entity).ReloadAsync(cancellationToken);
    }

    public int Reloads { get; private set; }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var autoDetect = ChangeTracker.AutoDetectChangesEnabled;
        var referencesChange = DetectReferenceChanges();
        try
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            NotifyReferenceChanges(referencesChange);
            return saved;
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var autoDetect = ChangeTracker.AutoDetectChangesEnabled;
        var referencesChange = DetectReferenceChanges();
        try
        {
            var saved = base.SaveChanges(acceptAllChangesOnSuccess);
            NotifyReferenceChanges(referencesChange);
            return saved;
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>
    /// Whether this save adds, changes or removes an agent or a number, which reply runs cache (<see cref="ReferenceData"/>).
    /// Changes are detected here once, and the save then runs without detecting them a second time.
    /// </summary>
    private bool DetectReferenceChanges()
    {
        if (ChangeTracker.AutoDetectChangesEnabled)
        {
            ChangeTracker.DetectChanges();
            ChangeTracker.AutoDetectChangesEnabled = false;
        }

        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.Entity is Agent or WhatsAppNumber && entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                return true;
            }
        }

        return false;
    }

    private static void NotifyReferenceChanges(bool changed)
    {
        if (changed)
        {
            ReferenceData.Changed();
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }

    /// <summary>Every time is UTC; SQLite hands them back without a kind, so the kind is restored on read.</summary>
    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
        v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}

/// <summary>
/// SQLite lets one writer in at a time, and Microsoft.Data.Sqlite meets a locked database by sleeping a fixed 150 ms
/// before it tries again: with a few webhooks at once that sleep was most of the time to the 200 (bench: 112 req/s,
/// p99 460 ms at 4 connections against 253 req/s, p99 10 ms at one). The writers of this process queue here instead,
/// one queue per database.
/// </summary>
public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options)
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var gate = WriteGate();
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var gate = WriteGate();
        gate.Wait();
        try
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The queue of this process's writers to the database (the set-based webhook store takes it for its transaction).</summary>
    internal SemaphoreSlim WriteGate() => WriteGates.GetOrAdd(Database.GetConnectionString() ?? string.Empty, _ => new SemaphoreSlim(1, 1));
}

public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options);

public sealed class SqlServerAppDbContext(DbContextOptions<SqlServerAppDbContext> options) : AppDbContext(options);
