using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.Infrastructure.Persistence;

public static class DatabaseInitializer
{
    /// <summary>Applies the provider's migrations; run once at start-up, before requests are served.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.MigrateAsync(cancellationToken);

        if (db is SqliteAppDbContext)
        {
            RestrictToOwner(db.Database.GetDbConnection().DataSource);

            // SQLite serves one instance: a lease still set at start-up belongs to a process that died.
            await db.Conversations.Where(c => c.ReplyLeaseUntil != null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ReplyLeaseUntil, (DateTime?)null).SetProperty(c => c.ReplyLeaseOwner, (Guid?)null), cancellationToken);
        }
    }

    /// <summary>The SQLite file holds the encrypted secrets (and, without a key-encryption key, their keys): owner only.</summary>
    private static void RestrictToOwner(string? path)
    {
        if (OperatingSystem.IsWindows() || string.IsNullOrEmpty(path) || path == ":memory:")
        {
            return;
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
