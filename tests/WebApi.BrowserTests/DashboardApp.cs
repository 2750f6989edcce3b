using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace CleanAgent.WebApi.BrowserTests;

/// <summary>
/// The real app on a real port (Kestrel, so a browser can reach it) with a fresh SQLite file, in Production, where no
/// dev operator exists: the first operator comes from Admin:Email/Admin:Password. One Chromium (Debian's) for all tests.
/// </summary>
public sealed class DashboardApp : IAsyncLifetime
{
    /// <summary>The test collection of the classes that start a dashboard app: they run one after the other.</summary>
    public const string Collection = "dashboard apps";

    public const string OperatorEmail = "ops@example.com";
    public const string OperatorPassword = "Browser-test-1";

    /// <summary>Debian's Chromium; Playwright's own browser download is never used.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CLEANAGENT_CHROMIUM") ?? "/usr/bin/chromium";

    private readonly string _database = Path.Combine(Path.GetTempPath(), $"cleanagent_browser_{Guid.NewGuid():N}.db");
    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The app's services, to set up what a page should show (e.g. a scheduled job).</summary>
    public IServiceProvider Services => _factory!.Services;

    public string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("ConnectionStrings:CleanAgent", $"Data Source={_database}");
            b.UseSetting("Admin:ApiKeys:0", "browser-test-admin-key-0123456789abcdef");
            b.UseSetting("DataProtection:KeyEncryptionKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            b.UseSetting("Admin:Email", OperatorEmail);
            b.UseSetting("Admin:Password", OperatorPassword);
            b.UseSetting("Meta:VerifyToken", "browser-verify-token");
            // Host filtering names the host, so the webhook URL shown for copying into Meta may use it.
            b.UseSetting("AllowedHosts", "127.0.0.1");
            b.UseSetting("Hangfire:WorkerCount", "2");
        });
        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        BaseAddress = _factory.ClientOptions.BaseAddress;

        Directory.CreateDirectory(ScreenshotDirectory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 860 } });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_database + suffix);
        }
    }
}
