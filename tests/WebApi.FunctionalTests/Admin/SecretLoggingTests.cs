using System.Net.Http.Json;
using System.Text;
using CleanAgent.WebApi.FunctionalTests.Support;

namespace CleanAgent.WebApi.FunctionalTests.Admin;

/// <summary>The app with every category logging at Trace, so that a secret written anywhere would be caught.</summary>
public class VerboseApp : TestApp
{
    protected VerboseApp(TestDatabase database)
        : base(database)
    {
        Settings["Logging:LogLevel:Default"] = "Trace";
        Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
        Settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace";
        Settings["Logging:LogLevel:Hangfire"] = "Warning";
    }
}

public sealed class VerboseSqliteApp() : VerboseApp(TestDatabase.Sqlite);

public sealed class VerbosePostgresApp() : VerboseApp(TestDatabase.PostgreSql);

public abstract class SecretLoggingTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    [SkippableFact]
    public async Task Secrets_never_appear_in_any_log_record()
    {
        RequireDatabase();
        using var client = App.CreateAdminClient();
        var appSecret = "app-secret-" + Guid.NewGuid().ToString("N");
        var accessToken = "fake-token-" + Guid.NewGuid().ToString("N");
        var body = Numbers.ValidBody(appSecret: appSecret, accessToken: accessToken);
        var id = (await Numbers.AddAsync(client, body)).GetProperty("id").GetGuid();
        await client.PutAsJsonAsync($"/api/whatsapp-numbers/{id}", body);
        await client.GetAsync($"/api/whatsapp-numbers/{id}");
        await client.PostAsJsonAsync("/api/whatsapp-numbers", body); // 409
        body["graphApiVersion"] = "v1.0";
        await client.PostAsJsonAsync("/api/whatsapp-numbers", body); // 400
        await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/whatsapp-numbers")
        {
            Content = new StringContent($$"""{"appSecret":"{{appSecret}}","accessToken":"{{accessToken}}","agentId":"not-a-guid"}""", Encoding.UTF8, "application/json"),
        });

        var records = App.Logs.GetSnapshot();
        Assert.Contains(records, r => r.Category?.StartsWith("Microsoft.EntityFrameworkCore.Database.Command", StringComparison.Ordinal) == true);
        Assert.Contains(records, r => r.Category?.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true);
        var leaks = records
            .Where(record => Texts(record).Any(t => t.Contains(appSecret, StringComparison.Ordinal) || t.Contains(accessToken, StringComparison.Ordinal)))
            .Select(record => $"{record.Level} {record.Category}: {record.Message}")
            .ToList();
        Assert.True(leaks.Count == 0, "Secrets logged by:\n" + string.Join("\n", leaks));
    }

    private static IEnumerable<string> Texts(Microsoft.Extensions.Logging.Testing.FakeLogRecord record)
    {
        var texts = new List<string?> { record.Message, record.Exception?.ToString() };
        texts.AddRange(record.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? []);
        texts.AddRange(record.Scopes.Select(s => s?.ToString()));
        return texts.Where(t => t is not null).Select(t => t!);
    }
}

public sealed class SecretLoggingOnSqlite(VerboseSqliteApp app) : SecretLoggingTests<VerboseSqliteApp>(app), IClassFixture<VerboseSqliteApp>;

public sealed class SecretLoggingOnPostgres(VerbosePostgresApp app) : SecretLoggingTests<VerbosePostgresApp>(app), IClassFixture<VerbosePostgresApp>;
