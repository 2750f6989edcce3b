using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace CleanAgent.WebApi.ContractTests;

/// <summary>
/// The real app on a temporary SQLite file, configured as the committed document describes it: no
/// <c>PublicBaseUrl</c> (so the document's server is relative), settings given with <see cref="WithSetting"/>.
/// </summary>
public sealed class ContractApp : WebApplicationFactory<Program>
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "cleanagent_contract_" + Guid.NewGuid().ToString("N")[..12] + ".db");
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);

    public ContractApp WithSetting(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("ConnectionStrings:CleanAgent", $"Data Source={_path};Pooling=False");
        builder.UseSetting("Admin:ApiKeys:0", "contract-test-admin-key-0123456789abcdef");
        builder.UseSetting("DataProtection:KeyEncryptionKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        foreach (var (key, value) in _settings)
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
