using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CleanAgent.Bench;

/// <summary>A fresh, empty database for one service start; the service's own migrations create the schema.</summary>
internal abstract class BenchDatabase : IAsyncDisposable
{
    /// <summary>The value of <c>Database:Provider</c>.</summary>
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    public static async Task<BenchDatabase> CreateAsync(string provider, string runDirectory, string? postgres, CancellationToken cancellationToken) =>
        provider switch
        {
            "sqlite" => new SqliteBenchDatabase(Path.Combine(runDirectory, $"bench-{Guid.NewGuid():N}.db")),
            "postgresql" => await PostgresBenchDatabase.CreateAsync(
                postgres ?? throw new InvalidOperationException("No PostgreSQL server: set CLEANAGENT_BENCH_PG (or CLEANAGENT_TEST_POSTGRES) to a connection string, e.g. from scripts/start-test-postgres.sh."),
                cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
        };

    public async Task<long> CountInboundMessagesAsync(CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync("""SELECT COUNT(*) FROM "Messages" WHERE "Direction" = 'Inbound'""", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

    public async Task<long> CountOutboundSentAsync(CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync("""SELECT COUNT(*) FROM "Messages" WHERE "Direction" = 'Outbound' AND "Status" <> 'Pending' AND "Status" <> 'Failed'""", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The UTF-8 bytes of an agent's stored knowledge chunks.</summary>
    public async Task<long> KnowledgeTextBytesAsync(Guid agentId, CancellationToken cancellationToken) =>
        Convert.ToInt64(
            await ScalarAsync($"""SELECT COALESCE(SUM({TextBytes}), 0) FROM "KnowledgeChunks" WHERE "AgentId" = {AgentKey(agentId)}""", cancellationToken),
            System.Globalization.CultureInfo.InvariantCulture);

    protected abstract string TextBytes { get; }

    protected abstract string AgentKey(Guid id);

    public async Task<List<Guid>> ConversationIdsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""SELECT "Id" FROM "Conversations" ORDER BY "CustomerKey" LIMIT {limit}""";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(Guid.Parse(reader.GetValue(0).ToString()!));
        }

        return ids;
    }

    /// <summary>
    /// Fills the tables the app's migrations created with <paramref name="conversations"/> conversations of
    /// <paramref name="messages"/>/<paramref name="conversations"/> messages each, half inbound and answered, half outbound and read.
    /// Generated inside the database server, so a million rows take seconds.
    /// </summary>
    public abstract Task SeedHistoryAsync(IReadOnlyList<Guid> numberIds, int conversations, int messages, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    protected abstract DbConnection Open();

    protected async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    protected async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The secondary indexes of a table as the migrations created them (name, CREATE statement): dropped before a bulk
    /// load and created again after it, which is faster than keeping them up to date row by row.
    /// </summary>
    protected static async Task<List<(string Name, string Sql)>> SecondaryIndexesAsync(DbConnection connection, string query, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = query;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var indexes = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            indexes.Add((reader.GetString(0), reader.GetString(1)));
        }

        return indexes;
    }

    protected async Task DropIndexesAsync(DbConnection connection, List<(string Name, string Sql)> indexes, CancellationToken cancellationToken)
    {
        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync(connection, $"DROP INDEX \"{name}\"", cancellationToken);
        }
    }

    protected async Task CreateIndexesAsync(DbConnection connection, List<(string Name, string Sql)> indexes, CancellationToken cancellationToken)
    {
        foreach (var (_, sql) in indexes)
        {
            await ExecuteAsync(connection, sql, cancellationToken);
        }
    }

    protected const string RawJsonExample =
        """{"from":"351910000000","id":"wamid.HBgMMzUxOTEwMDAwMDAwFQIAEhggQjVDRkQ2","timestamp":"1760000000","type":"text","text":{"body":"seeded"}}""";
}

internal sealed class SqliteBenchDatabase(string path) : BenchDatabase
{
    protected override string TextBytes => "LENGTH(CAST(\"Text\" AS BLOB))";

    protected override string AgentKey(Guid id) => $"'{id.ToString().ToUpperInvariant()}'";

    public override string Provider => "Sqlite";

    public override string ConnectionString => $"Data Source={path}";

    protected override DbConnection Open() => new SqliteConnection(ConnectionString);

    public override async Task SeedHistoryAsync(IReadOnlyList<Guid> numberIds, int conversations, int messages, CancellationToken cancellationToken)
    {
        var perConversation = messages / conversations;
        await using var connection = (SqliteConnection)Open();
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA busy_timeout = 60000", cancellationToken);
        await ExecuteAsync(connection, "CREATE TEMP TABLE bench_numbers (idx INTEGER PRIMARY KEY, id TEXT NOT NULL)", cancellationToken);
        for (var i = 0; i < numberIds.Count; i++)
        {
            // EF Core stores a Guid as upper-case TEXT on SQLite.
            await ExecuteAsync(connection, "INSERT INTO bench_numbers VALUES ($i, $id)", cancellationToken, ("$i", i), ("$id", numberIds[i].ToString().ToUpperInvariant()));
        }

        var indexes = await SecondaryIndexesAsync(connection, """SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Messages' AND sql IS NOT NULL""", cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await DropIndexesAsync(connection, indexes, cancellationToken);
        // Dates as EF Core writes them on SQLite: 'yyyy-MM-dd HH:mm:ss' (no fraction when it is zero).
        await ExecuteAsync(connection, """
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $conversations)
            INSERT INTO "Conversations" ("Id", "WhatsAppNumberId", "CustomerKey", "CustomerWaId", "CustomerUserId", "CustomerName",
                "CreatedAt", "LastMessageAt", "LastInboundAt", "InboundCount", "OutboundCount", "ReplyPending", "ReplyRequestedAt",
                "LastReplyError", "ReplyLeaseUntil", "ReplyLeaseOwner", "ReplyAttempts", "ReplyRetryAt", "Version")
            SELECT printf('%08X-0000-4000-8000-000000000000', n),
                   (SELECT id FROM bench_numbers WHERE idx = n % $numbers),
                   '3519' || (20000000 + n), '3519' || (20000000 + n), NULL, 'Customer ' || n,
                   strftime('%Y-%m-%d %H:%M:%S', 'now', '-30 days'),
                   strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || n || ' minutes'),
                   strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || (n + 1) || ' minutes'),
                   $half, $per - $half, 0, NULL, NULL, NULL, NULL, 0, NULL, 0
            FROM g
            """, cancellationToken, ("$conversations", conversations), ("$numbers", numberIds.Count), ("$per", perConversation), ("$half", (perConversation + 1) / 2));
        await ExecuteAsync(connection, """
            WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < $per)
            INSERT INTO "Messages" ("Id", "ConversationId", "WhatsAppNumberId", "Direction", "WhatsAppMessageId", "Type", "Text", "Status",
                "Timestamp", "CreatedAt", "StatusAt", "MediaId", "MimeType", "Sha256", "Caption", "FileName", "IsVoice", "ContextMessageId",
                "IsForwarded", "ErrorCode", "ErrorTitle", "RawJson", "NeedsReply", "AnsweredAt")
            SELECT printf('%08X-%04X-4000-8000-%012X', c.rowid, k % 65536, k),
                   c."Id", c."WhatsAppNumberId",
                   CASE WHEN k % 2 = 1 THEN 'Inbound' ELSE 'Outbound' END,
                   'wamid.seed' || printf('%08X%08X', c.rowid, k),
                   'text',
                   CASE WHEN k % 2 = 1 THEN 'Hello, is my order ' || k || ' on its way? I ordered it last week and have not heard back.'
                        ELSE 'Thanks for your message! Order ' || k || ' ships tomorrow and arrives in two days.' END,
                   CASE WHEN k % 2 = 1 THEN 'Received' ELSE 'Read' END,
                   strftime('%Y-%m-%d %H:%M:%S', 'now', '-30 days', '+' || k || ' minutes'),
                   strftime('%Y-%m-%d %H:%M:%S', 'now', '-30 days', '+' || k || ' minutes'),
                   CASE WHEN k % 2 = 1 THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%S', 'now', '-30 days', '+' || (k + 1) || ' minutes') END,
                   NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
                   CASE WHEN k % 2 = 1 THEN $raw ELSE NULL END,
                   k % 2,
                   CASE WHEN k % 2 = 1 THEN strftime('%Y-%m-%d %H:%M:%S', 'now', '-30 days', '+' || k || ' minutes') ELSE NULL END
            FROM "Conversations" c CROSS JOIN s
            ORDER BY c.rowid, k
            """, cancellationToken, ("$per", perConversation), ("$raw", RawJsonExample));
        await CreateIndexesAsync(connection, indexes, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await ExecuteAsync(connection, "ANALYZE", cancellationToken);
        await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            try
            {
                File.Delete(path + suffix);
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"warning: could not delete {path}{suffix}: {ex.Message}");
            }
        }

        return ValueTask.CompletedTask;
    }
}

internal sealed class PostgresBenchDatabase : BenchDatabase
{
    protected override string TextBytes => "OCTET_LENGTH(\"Text\")";

    protected override string AgentKey(Guid id) => $"'{id}'::uuid";

    private readonly string _server;
    private readonly string _name;

    private PostgresBenchDatabase(string server, string name, string connectionString)
    {
        _server = server;
        _name = name;
        ConnectionString = connectionString;
    }

    public override string Provider => "PostgreSql";

    public override string ConnectionString { get; }

    public static async Task<PostgresBenchDatabase> CreateAsync(string server, CancellationToken cancellationToken)
    {
        var name = $"cleanagent_bench_{Guid.NewGuid():N}"[..40];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 100 };
        return new PostgresBenchDatabase(server, name, builder.ConnectionString);
    }

    protected override DbConnection Open() => new NpgsqlConnection(ConnectionString);

    public override async Task SeedHistoryAsync(IReadOnlyList<Guid> numberIds, int conversations, int messages, CancellationToken cancellationToken)
    {
        var perConversation = messages / conversations;
        await using var connection = (NpgsqlConnection)Open();
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, """
            INSERT INTO "Conversations" ("Id", "WhatsAppNumberId", "CustomerKey", "CustomerWaId", "CustomerUserId", "CustomerName",
                "CreatedAt", "LastMessageAt", "LastInboundAt", "InboundCount", "OutboundCount", "ReplyPending", "ReplyRequestedAt",
                "LastReplyError", "ReplyLeaseUntil", "ReplyLeaseOwner", "ReplyAttempts", "ReplyRetryAt", "Version")
            SELECT gen_random_uuid(), (@numbers)[1 + n % cardinality(@numbers)],
                   '3519' || (20000000 + n), '3519' || (20000000 + n), NULL, 'Customer ' || n,
                   now() - interval '30 days', now() - n * interval '1 minute', now() - (n + 1) * interval '1 minute',
                   @half, @per - @half, false, NULL, NULL, NULL, NULL, 0, NULL, 0
            FROM generate_series(1, @conversations) n
            """, cancellationToken, ("numbers", numberIds.ToArray()), ("conversations", conversations), ("per", perConversation), ("half", (perConversation + 1) / 2));
        var indexes = await SecondaryIndexesAsync(connection, """SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'Messages' AND indexname <> 'PK_Messages'""", cancellationToken);
        await DropIndexesAsync(connection, indexes, cancellationToken);
        await ExecuteAsync(connection, """
            INSERT INTO "Messages" ("Id", "ConversationId", "WhatsAppNumberId", "Direction", "WhatsAppMessageId", "Type", "Text", "Status",
                "Timestamp", "CreatedAt", "StatusAt", "MediaId", "MimeType", "Sha256", "Caption", "FileName", "IsVoice", "ContextMessageId",
                "IsForwarded", "ErrorCode", "ErrorTitle", "RawJson", "NeedsReply", "AnsweredAt")
            SELECT gen_random_uuid(), c."Id", c."WhatsAppNumberId",
                   CASE WHEN k % 2 = 1 THEN 'Inbound' ELSE 'Outbound' END,
                   'wamid.seed' || c.rn || '.' || k,
                   'text',
                   CASE WHEN k % 2 = 1 THEN 'Hello, is my order ' || k || ' on its way? I ordered it last week and have not heard back.'
                        ELSE 'Thanks for your message! Order ' || k || ' ships tomorrow and arrives in two days.' END,
                   CASE WHEN k % 2 = 1 THEN 'Received' ELSE 'Read' END,
                   now() - interval '30 days' + k * interval '1 minute',
                   now() - interval '30 days' + k * interval '1 minute',
                   CASE WHEN k % 2 = 1 THEN NULL ELSE now() - interval '30 days' + (k + 1) * interval '1 minute' END,
                   NULL, NULL, NULL, NULL, NULL, false, NULL, false, NULL, NULL,
                   CASE WHEN k % 2 = 1 THEN @raw ELSE NULL END,
                   k % 2 = 1,
                   CASE WHEN k % 2 = 1 THEN now() - interval '30 days' + k * interval '1 minute' ELSE NULL END
            FROM (SELECT "Id", "WhatsAppNumberId", row_number() OVER (ORDER BY "CustomerKey") AS rn FROM "Conversations") c
            CROSS JOIN generate_series(1, @per) k
            """, cancellationToken, ("per", perConversation), ("raw", RawJsonExample));
        await CreateIndexesAsync(connection, indexes, cancellationToken);
        await ExecuteAsync(connection, """VACUUM ANALYZE "Conversations" """, cancellationToken);
        await ExecuteAsync(connection, """VACUUM ANALYZE "Messages" """, cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await using var connection = new NpgsqlConnection(_server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            Console.Error.WriteLine($"warning: could not drop database {_name} after {stopwatch.Elapsed.TotalSeconds:0.0} s: {ex.Message}");
        }
    }
}
