using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.WebApi.FunctionalTests.Persistence;

/// <summary>SQLite with <c>Database:SqliteSynchronous=Normal</c>: the app's connections sync the log at checkpoints only.</summary>
public sealed class SqliteSynchronousNormalApp : TestApp
{
    public SqliteSynchronousNormalApp()
        : base(TestDatabase.Sqlite) => Settings["Database:SqliteSynchronous"] = "Normal";
}

public sealed class SqliteSynchronousTests(SqliteSynchronousNormalApp app) : DatabaseTest<SqliteSynchronousNormalApp>(app), IClassFixture<SqliteSynchronousNormalApp>
{
    /// <summary>PRAGMA synchronous: 1 is NORMAL, 2 is FULL.</summary>
    private static Task<int> SynchronousAsync(TestApp app) =>
        app.WithDbAsync(db => db.Database.SqlQueryRaw<int>("PRAGMA synchronous").ToListAsync()).ContinueWith(t => t.Result.Single(), TaskScheduler.Default);

    [Fact]
    public async Task Normal_is_given_to_every_connection_and_the_data_is_still_stored()
    {
        Assert.Equal(1, await SynchronousAsync(App));

        using var admin = App.CreateAdminClient();
        var agentId = await Numbers.AddAgentAsync(admin);
        Assert.True(await App.WithDbAsync(db => db.Agents.AnyAsync(a => a.Id == agentId)));
        Assert.Equal(1, await SynchronousAsync(App));
    }

    [Fact]
    public async Task The_default_syncs_every_commit()
    {
        var defaults = new SqliteApp();
        IAsyncLifetime lifetime = defaults;
        await lifetime.InitializeAsync();
        try
        {
            Assert.Equal(2, await SynchronousAsync(defaults));
        }
        finally
        {
            await lifetime.DisposeAsync();
        }
    }
}
