using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CleanAgent.Infrastructure.Persistence;

/// <summary>
/// <c>Database:SqliteSynchronous=Normal</c>: SQLite's WAL is then synced to disk at checkpoints rather than at every
/// commit. A commit still survives the process being killed (it is in the operating system's cache); only a power cut
/// or an operating-system crash can take back the last commits. The default, <c>Full</c>, syncs every commit. The
/// setting belongs to each connection, so it is given on every open. The file is put in WAL mode first (EF Core creates
/// it so; an older file may not be), since NORMAL with a rollback journal could corrupt the file on a power cut.
/// </summary>
internal sealed class SqliteSynchronousInterceptor : DbConnectionInterceptor
{
    private const string Normal = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Normal;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Normal;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
