namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>
/// A test that runs once per database. On PostgreSQL it is skipped, saying why, when no server
/// was given, except under CI, where a missing server is a failure.
/// </summary>
public abstract class DatabaseTest<TApp>(TApp app) : IAsyncLifetime
    where TApp : TestApp
{
    protected TApp App { get; } = app;

    public Task InitializeAsync() => App.Available ? App.ResetAsync() : Task.CompletedTask;

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Call first in every test: skips (or fails under CI) when the database is not available.</summary>
    protected void RequireDatabase()
    {
        if (!App.Available)
        {
            PostgresServer.Require();
        }
    }
}
