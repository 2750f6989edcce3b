using System.Data.Common;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace CleanAgent.WebApi.FunctionalTests.Resilience;

/// <summary>Meta, the model or the database misbehave for a while; afterwards nothing acknowledged is lost and nothing is sent twice.</summary>
public abstract class FaultTests<TApp>(TApp app, ITestOutputHelper output) : DatabaseTest<TApp>(app)
    where TApp : ReplyTestApp
{
    private const int Messages = 20;

    protected ITestOutputHelper Output { get; } = output;

    private (FakeGraph Graph, FakeLlm Llm, ReplyLedger Ledger) Fakes(TimeSpan llmDelay)
    {
        var graph = new FakeGraph(App.Graph);
        var llm = new FakeLlm(App.Llm, llmDelay);
        return (graph, llm, new ReplyLedger(OpenOwnConnectionAsync, graph));
    }

    /// <summary>Outside the app's connection pool, so a test that drops the app's connections does not drop its own.</summary>
    private async Task<DbConnection> OpenOwnConnectionAsync()
    {
        DbConnection connection = App.Database == TestDatabase.Sqlite
            ? new SqliteConnection(App.ConnectionString)
            : new NpgsqlConnection(App.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    private async Task<IReadOnlyCollection<string>> DeliverBurstAsync(int messages = Messages)
    {
        await ProcessRigNumber.AddAsync(App);
        using var meta = App.CreateClient();
        return await MetaDelivery.DeliverAsync([meta], Enumerable.Range(1, messages));
    }

    [SkippableFact]
    public async Task Graph_api_refusing_sends_with_5xx_and_429_for_a_while_loses_and_doubles_nothing()
    {
        RequireDatabase();
        var (graph, _, ledger) = Fakes(TimeSpan.FromMilliseconds(50));
        graph.RefuseNext(30);

        var customers = await DeliverBurstAsync();
        await ledger.WaitUntilSettledAsync(customers);

        var tally = await ledger.TallyAsync(customers);
        tally.Report(Output, $"Graph API 5xx/429 ({App.Database})", $"refused {graph.Refused}");
        Assert.Equal(30, graph.Refused);
        tally.AssertNothingLost();
    }

    [SkippableFact]
    public async Task Model_down_for_a_while_loses_and_doubles_nothing()
    {
        RequireDatabase();
        var (_, llm, ledger) = Fakes(TimeSpan.FromMilliseconds(50));
        llm.FailNext(15);

        var customers = await DeliverBurstAsync();
        await ledger.WaitUntilSettledAsync(customers);

        var tally = await ledger.TallyAsync(customers);
        tally.Report(Output, $"LLM down ({App.Database})", $"failed calls {llm.Failed}");
        Assert.Equal(15, llm.Failed);
        tally.AssertNothingLost();
    }
}

public sealed class FaultsOnSqlite(SqliteFaultApp app, ITestOutputHelper output) : FaultTests<SqliteFaultApp>(app, output), IClassFixture<SqliteFaultApp>;

public sealed class FaultsOnPostgres(PostgresFaultApp app, ITestOutputHelper output) : FaultTests<PostgresFaultApp>(app, output), IClassFixture<PostgresFaultApp>
{
    [SkippableFact]
    public async Task Database_connections_dropped_during_a_burst_lose_and_double_nothing()
    {
        RequireDatabase();
        var graph = new FakeGraph(App.Graph);
        _ = new FakeLlm(App.Llm, TimeSpan.FromMilliseconds(200));
        await ProcessRigNumber.AddAsync(App);

        var terminated = 0;
        using var stop = new CancellationTokenSource();
        var dropper = Task.Run(async () =>
        {
            for (var round = 0; round < 4 && !stop.IsCancellationRequested; round++)
            {
                await Task.Delay(700, CancellationToken.None);
                await using var connection = new NpgsqlConnection(App.ConnectionString + ";Pooling=false");
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection);
                terminated += Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            }
        });

        IReadOnlyCollection<string> customers;
        try
        {
            using var meta = App.CreateClient();
            customers = await MetaDelivery.DeliverAsync([meta], Enumerable.Range(1, 40), parallelism: 4);
        }
        finally
        {
            await stop.CancelAsync();
            await dropper;
        }

        var ledger = new ReplyLedger(async () =>
        {
            var connection = new NpgsqlConnection(App.ConnectionString + ";Pooling=false");
            await connection.OpenAsync();
            return connection;
        }, graph);
        await ledger.WaitUntilSettledAsync(customers);
        NpgsqlConnection.ClearAllPools();

        var tally = await ledger.TallyAsync(customers);
        tally.Report(Output, "database connections dropped mid-burst (PostgreSql)", $"backends terminated {terminated}");
        Assert.True(terminated > 0, "no connection was dropped");

        // Unlike a crash, a dropped connection leaves the process alive: it retries the commit of the wamid instead of sending again.
        tally.AssertNothingLost();
    }
}

public sealed class SqliteFaultApp : ReplyTestApp
{
    public SqliteFaultApp()
        : base(TestDatabase.Sqlite) => FaultSettings.Apply(Settings);
}

public sealed class PostgresFaultApp : ReplyTestApp
{
    public PostgresFaultApp()
        : base(TestDatabase.PostgreSql) => FaultSettings.Apply(Settings);
}

internal static class FaultSettings
{
    /// <summary>Answer each message at once and look for owed replies every second, so recovery is quick to watch.</summary>
    public static void Apply(IDictionary<string, string?> settings)
    {
        settings["WhatsApp:BurstWindowMilliseconds"] = "0";
        settings["WhatsApp:SweepIntervalSeconds"] = "1";
        settings["WhatsApp:SweepGraceSeconds"] = "2";
    }
}

/// <summary>The number (and its agent) the resilience messages are addressed to, added through the admin API.</summary>
internal static class ProcessRigNumber
{
    public static async Task AddAsync(ReplyTestApp app)
    {
        using var admin = app.CreateAdminClient();
        var agentId = await app.AddAgentAsync(admin);
        await admin.AddNumberAsync(ProcessRig.PhoneNumberId, agentId: agentId);
    }
}
