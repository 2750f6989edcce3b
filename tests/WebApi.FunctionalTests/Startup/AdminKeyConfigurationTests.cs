using System.Net;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanAgent.WebApi.FunctionalTests.Startup;

/// <summary>The app on its own SQLite file with no <c>Admin:ApiKeys</c> at all, in the given environment.</summary>
public sealed class AppWithoutAdminKeys(string environment, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "cleanagent_nokeys_" + Guid.NewGuid().ToString("N")[..12] + ".db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("ConnectionStrings:CleanAgent", $"Data Source={_path};Pooling=False");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
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

    [Theory]
    [InlineData("k")]
    [InlineData("0123456789abcdef0123456789abcde")]
    public async Task Production_with_an_admin_key_shorter_than_32_characters_refuses_to_start(string weak)
    {
        await using var app = new AppWithoutAdminKeys("Production", new Dictionary<string, string>
        {
            ["Admin:ApiKeys:0"] = "a-perfectly-long-admin-key-0123456789",
            ["Admin:ApiKeys:1"] = weak,
            ["DataProtection:KeyEncryptionKey"] = TestApp.KeyEncryptionKey,
        });

        var error = Record.Exception(() => app.CreateClient());

        Assert.NotNull(error);
        Assert.Contains(Flatten(error), e => e.Message.Contains("at least 32", StringComparison.Ordinal) && !e.Message.Contains(weak + " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_without_a_key_encryption_key_refuses_to_start_naming_the_setting()
    {
        await using var app = new AppWithoutAdminKeys("Production", new Dictionary<string, string> { ["Admin:ApiKeys:0"] = TestApp.ApiKey });

        var error = Record.Exception(() => app.CreateClient());

        Assert.NotNull(error);
        Assert.Contains(Flatten(error), e => e.Message.Contains("DataProtection__KeyEncryptionKey", StringComparison.Ordinal) &&
            e.Message.Contains("AllowUnencryptedKeyRing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_may_run_with_an_unencrypted_key_ring_only_when_told_and_then_warns_at_start()
    {
        await using var app = new AppWithoutAdminKeys("Production", new Dictionary<string, string>
        {
            ["Admin:ApiKeys:0"] = TestApp.ApiKey,
            ["DataProtection:AllowUnencryptedKeyRing"] = "true",
        });
        await using var logged = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddFakeLogging()));
        using var client = logged.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Contains(logged.Services.GetFakeLogCollector().GetSnapshot(), r =>
            r.Level == Microsoft.Extensions.Logging.LogLevel.Warning && r.Message.Contains("AllowUnencryptedKeyRing", StringComparison.Ordinal));
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
