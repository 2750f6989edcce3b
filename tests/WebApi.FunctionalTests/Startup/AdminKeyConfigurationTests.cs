using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace CleanAgent.WebApi.FunctionalTests.Startup;

/// <summary>The app on its own SQLite file with no <c>Admin:ApiKeys</c> at all, in the given environment.</summary>
public sealed class AppWithoutAdminKeys(string environment) : WebApplicationFactory<Program>
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "cleanagent_nokeys_" + Guid.NewGuid().ToString("N")[..12] + ".db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("ConnectionStrings:CleanAgent", $"Data Source={_path};Pooling=False");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }
}

public sealed class AdminKeyConfigurationTests
{
    [Fact]
    public async Task Production_without_admin_keys_refuses_to_start_naming_the_setting()
    {
        await using var app = new AppWithoutAdminKeys("Production");

        var error = Record.Exception(() => app.CreateClient());

        Assert.NotNull(error);
        var messages = Flatten(error).Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.Contains("Admin:ApiKeys", StringComparison.Ordinal) && m.Contains("Admin__ApiKeys__0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Development_without_admin_keys_accepts_the_documented_dev_key_only()
    {
        await using var app = new AppWithoutAdminKeys("Development");
        using var client = app.CreateClient();

        using var withDevKey = new HttpRequestMessage(HttpMethod.Get, "/api/agents") { Headers = { { "X-Api-Key", "dev-admin-key-change-me" } } };
        using var withOtherKey = new HttpRequestMessage(HttpMethod.Get, "/api/agents") { Headers = { { "X-Api-Key", "some-other-key" } } };

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(withDevKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(withOtherKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/agents")).StatusCode);
    }

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
