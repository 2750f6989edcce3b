using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CleanAgent.Infrastructure.Persistence;

/// <summary>
/// <c>Database:SqliteSynchronous=Normal</c>: SQLite's WAL is then synced to disk at checkpoints rather than at every
/// commit. A commit still survives the process being killed (it is in the operating system's cache); only a power cut
/// or an operating-system crash can take back the last commits. The default, <c>Full</c>, syncs every commit. The
/// setting belongs to each connection, so it is given on every open (a statement that touches no file).
/// </summary>
internal sealed class SqliteSynchronousInterceptor : DbConnectionInterceptor
{
    private const string Normal = "PRAGMA synchronous = NORMAL;";

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
