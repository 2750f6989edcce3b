namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>Whether the PostgreSQL server for the tests was given, and what a test does when it was not.</summary>
public static class PostgresServer
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable(TestApp.PostgresVariable) is { Length: > 0 } cs ? cs : null;

    /// <summary>Skips the test (saying why) without a server; under CI a missing server is a failure.</summary>
    public static void Require()
    {
        if (ConnectionString is not null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI must run the PostgreSQL tests: set {TestApp.PostgresVariable}.");
        }

        Skip.If(true, $"PostgreSQL tests skipped: set {TestApp.PostgresVariable} to a server's connection string to run them.");
    }
}
