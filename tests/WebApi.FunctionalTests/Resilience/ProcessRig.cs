using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;
using WireMock.Server;

namespace CleanAgent.WebApi.FunctionalTests.Resilience;

/// <summary>
/// One database (a temporary SQLite file, or a new database on the test PostgreSQL server), the
/// fake Graph API and LLM, and the CleanAgent processes that share them. Disposing kills every
/// process and drops the database, also when the test failed.
/// </summary>
public sealed class ProcessRig : IAsyncDisposable
{
    public const string PhoneNumberId = "106540352242999";

    private readonly List<AppProcess> _processes = [];
    private readonly string _databaseName;
    private readonly WireMockServer _graphServer = FakeHttpServer.Start();
    private readonly WireMockServer _llmServer = FakeHttpServer.Start();
    private readonly Dictionary<string, string> _settings;

    private ProcessRig(TestDatabase database, string databaseName, string connectionString, TimeSpan llmDelay, IReadOnlyDictionary<string, string> settings)
    {
        _databaseName = databaseName;
        Database = database;
        ConnectionString = connectionString;
        Graph = new FakeGraph(_graphServer);
        Llm = new FakeLlm(_llmServer, llmDelay);
        Ledger = new ReplyLedger(OpenConnectionAsync, Graph);
        _settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Database__Provider"] = database == TestDatabase.Sqlite ? "Sqlite" : "PostgreSql",
            ["ConnectionStrings__CleanAgent"] = connectionString,
            ["Admin__ApiKeys__0"] = TestApp.ApiKey,
            ["DataProtection__KeyEncryptionKey"] = TestApp.KeyEncryptionKey,
            ["Meta__GraphApiBaseUrl"] = _graphServer.Url!,
            ["Ai__Provider"] = "OpenAI",
            ["Ai__Endpoint"] = _llmServer.Url!,
            ["Ai__ApiKey"] = "fake-test-llm-key",
            ["Ai__Model"] = "test-model",
            // Every customer writes once: answer at once instead of waiting for more.
            ["WhatsApp__BurstWindowMilliseconds"] = "0",
            ["WhatsApp__MaxConcurrentReplies"] = Runs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hangfire__WorkerCount"] = RetryWorkers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }
    }

    public TestDatabase Database { get; }

    public string ConnectionString { get; }

    public FakeGraph Graph { get; }

    /// <summary>The bodies of the requests the fake LLM received.</summary>
    public IReadOnlyList<string> LlmRequests() => _llmServer.LogEntries.Select(e => e.RequestMessage.Body ?? string.Empty).ToList();

    /// <summary>The fake Graph API's server itself, for a test that serves media files from it.</summary>
    public WireMockServer GraphServer => _graphServer;

    public FakeLlm Llm { get; }

    public ReplyLedger Ledger { get; }

    public static async Task<ProcessRig> CreateAsync(TestDatabase database, TimeSpan llmDelay, IReadOnlyDictionary<string, string>? settings = null)
    {
        string connectionString;
        var name = "cleanagent_res_" + Guid.NewGuid().ToString("N")[..12];
        if (database == TestDatabase.Sqlite)
        {
            connectionString = $"Data Source={Path.Combine(Path.GetTempPath(), name + ".db")}";
        }
        else
        {
            var server = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString);
            await using (var admin = new NpgsqlConnection(server.ConnectionString))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                await create.ExecuteNonQueryAsync();
            }

            server.Database = name;
            connectionString = server.ConnectionString;
        }

        return new ProcessRig(database, name, connectionString, llmDelay, settings ?? new Dictionary<string, string>());
    }

    /// <summary>Starts one more CleanAgent process on the shared database and waits until it is healthy.</summary>
    public async Task<AppProcess> StartInstanceAsync()
    {
        var process = await AppProcess.StartAsync(_settings);
        _processes.Add(process);
        return process;
    }

    /// <summary>An agent and an active number, through the admin API of <paramref name="instance"/>.</summary>
    public static async Task AddNumberAsync(AppProcess instance)
    {
        using var admin = instance.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", TestApp.ApiKey);
        var response = await admin.PostAsJsonAsync("/api/agents", new { name = "Bella", prompt = "You are Bella, the assistant of Pizzeria Roma.", llmModel = "agent-model" });
        response.EnsureSuccessStatusCode();
        var agentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await admin.AddNumberAsync(PhoneNumberId, agentId: agentId);
    }

    /// <summary>Reply runs in process at once (first attempts, <c>WhatsApp:MaxConcurrentReplies</c>).</summary>
    public const int Runs = 4;

    /// <summary>Hangfire workers per process (retries); a retry holds one while it runs.</summary>
    public const int RetryWorkers = 2;

    /// <summary>
    /// A killed process can double at most the replies it was sending at that instant (the documented
    /// window: Meta accepted, the wamid not yet committed): one per run in flight, in process or in Hangfire.
    /// </summary>
    public const int RepliesInFlightAtMost = Runs + RetryWorkers;

    public static string Customer(int i) => "1631555" + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Customer <paramref name="i"/>'s one message, as Meta delivers it (stamped now: older ones fall outside the 24-hour window).</summary>
    public static byte[] Webhook(int i) => System.Text.Encoding.UTF8.GetBytes(
        Meta.TextWebhook(PhoneNumberId, Customer(i), $"wamid.IN{i:0000}", $"Hello, is table {i} free tonight?", "Ana", DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public async Task<DbConnection> OpenConnectionAsync()
    {
        DbConnection connection = Database == TestDatabase.Sqlite
            ? new SqliteConnection(ConnectionString + ";Pooling=False")
            : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The customers whose conversation a reply job holds right now (a live lease).</summary>
    public async Task<IReadOnlyList<string>> LeasedCustomersAsync()
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "CustomerKey", "ReplyLeaseUntil" FROM "Conversations" WHERE "ReplyPending" = TRUE AND "ReplyLeaseUntil" IS NOT NULL""";
        var now = DateTime.UtcNow;
        var leased = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc) > now)
            {
                leased.Add(reader.GetString(0));
            }
        }

        return leased;
    }

    public string Diagnostics => string.Join(Environment.NewLine, _processes.Select((p, i) => $"--- instance {i} ---{Environment.NewLine}{p.RecentOutput}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        _graphServer.Stop();
        _llmServer.Stop();
        if (Database == TestDatabase.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var path = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresServer.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
