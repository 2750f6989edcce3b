using System.Net.Http.Headers;
using CleanAgent.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using Respawn;

namespace CleanAgent.WebApi.FunctionalTests.Support;

public enum TestDatabase
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// The real CleanAgent app on a fresh database (a temporary SQLite file, or a new database on the
/// PostgreSQL server named by <see cref="PostgresVariable"/>). Respawn empties it between tests.
/// </summary>
public class TestApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string PostgresVariable = "CLEANAGENT_TEST_POSTGRES";
    public const string ApiKey = "test-admin-key-0123456789abcdef-0123456789";

    /// <summary>Every test app encrypts its key ring, as Production requires.</summary>
    public static readonly string KeyEncryptionKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    public const string VerifyToken = "test-verify-token";

    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _name = "cleanagent_test_" + Guid.NewGuid().ToString("N")[..12];
    private Respawner? _respawner;
    private string? _sqlitePath;

    protected internal TestApp(TestDatabase database) => Database = database;

    public TestDatabase Database { get; }

    /// <summary>False when the PostgreSQL server for the tests was not given.</summary>
    public bool Available => Database == TestDatabase.Sqlite || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresVariable));

    public string ConnectionString { get; private set; } = string.Empty;

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>Settings for the app (e.g. the fake Graph API's URL); set them before the first request.</summary>
    public IDictionary<string, string?> Settings => _settings;

    public virtual async Task InitializeAsync()
    {
        if (!Available)
        {
            return;
        }

        if (Database == TestDatabase.Sqlite)
        {
            _sqlitePath = Path.Combine(Path.GetTempPath(), _name + ".db");
            ConnectionString = $"Data Source={_sqlitePath};Pooling=False";
        }
        else
        {
            var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(PostgresVariable));
            await using (var admin = new NpgsqlConnection(server.ConnectionString))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", admin);
                await create.ExecuteNonQueryAsync();
            }

            server.Database = _name;
            ConnectionString = server.ConnectionString;
        }

        StartServer(); // starts the host, which applies the migrations
        await using var connection = await OpenConnectionAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = Database == TestDatabase.Sqlite ? DbAdapter.Sqlite : DbAdapter.Postgres,
            SchemasToInclude = Database == TestDatabase.Sqlite ? [] : ["public"],
            TablesToIgnore = ["__EFMigrationsHistory", "__EFMigrationsLock", "DataProtectionKeys"],
        });
    }

    /// <summary>Empties every table (the key ring excepted) so a test starts from nothing.</summary>
    public async Task ResetAsync()
    {
        if (_respawner is null)
        {
            return;
        }

        // The previous test's background work (a reply run, a sweep) may still write: PostgreSQL can then pick the
        // reset as a deadlock victim, and the reset is simply done again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenConnectionAsync();
                await _respawner.ResetAsync(connection);
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(100 * attempt);
            }
        }

        Logs.Clear();
    }

    public async Task<System.Data.Common.DbConnection> OpenConnectionAsync()
    {
        System.Data.Common.DbConnection connection = Database == TestDatabase.Sqlite
            ? new SqliteConnection(ConnectionString)
            : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Reads (or seeds) the database directly, as a check from outside the app's own code paths.</summary>
    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Provider", Database == TestDatabase.Sqlite ? "Sqlite" : "PostgreSql");
        builder.UseSetting("ConnectionStrings:CleanAgent", ConnectionString);
        builder.UseSetting("Admin:ApiKeys:0", ApiKey);
        builder.UseSetting("DataProtection:KeyEncryptionKey", KeyEncryptionKey);
        builder.UseSetting("Meta:VerifyToken", VerifyToken);
        builder.UseSetting("PublicBaseUrl", "https://agents.example.com");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_sqlitePath + suffix);
            }
        }

        if (Database == TestDatabase.PostgreSql && Available)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresVariable));
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

public sealed class SqliteApp() : TestApp(TestDatabase.Sqlite);

public sealed class PostgresApp() : TestApp(TestDatabase.PostgreSql);
