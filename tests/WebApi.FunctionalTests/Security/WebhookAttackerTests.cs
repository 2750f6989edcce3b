using System.Net;
using System.Text;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanAgent.WebApi.FunctionalTests.Security;

/// <summary>
/// The app with tight webhook limits on a real socket (TestServer hands a body to the app only once it is complete, so
/// a slow body cannot be sent through it), where a test can say which address a request comes from
/// (<see cref="ClientHeader"/>), as every test request comes from loopback.
/// </summary>
public sealed class SqliteAppUnderAttack : TestApp
{
    public const string ClientHeader = "X-Test-Client";

    /// <summary>Failed requests a client may make in the (long) window before it is slowed down.</summary>
    public const int FailuresAllowed = 5;

    public SqliteAppUnderAttack()
        : base(TestDatabase.Sqlite)
    {
        Settings["Meta:WebhookMaxConcurrentBodies"] = "2";
        Settings["Meta:WebhookBodyTimeoutSeconds"] = "2";
        Settings["FailingClients:MaxFailures"] = FailuresAllowed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["FailingClients:WindowSeconds"] = "600";
        Settings["Logging:LogLevel:CleanAgent.WebApi.Infrastructure.ProblemDetailsExceptionHandler"] = "Debug";
        Settings["PublicBaseUrl"] = string.Empty;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
    }

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (Microsoft.AspNetCore.Http.HttpContext context, Func<Task> nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(ClientHeader, out var address) && IPAddress.TryParse(address, out var ip))
                {
                    context.Connection.RemoteIpAddress = ip;
                }

                await nextMiddleware();
            });
            next(app);
        };
    }
}

public sealed class WebhookAttackerTests(SqliteAppUnderAttack app) : DatabaseTest<SqliteAppUnderAttack>(app), IClassFixture<SqliteAppUnderAttack>
{
    private const string NumberId = "106540352242922";
    private static int _client;

    /// <summary>Each test is its own client, so one test's failures never slow another down.</summary>
    private readonly string _address = $"10.0.{Interlocked.Increment(ref _client) / 250}.{_client % 250 + 1}";

    private HttpClient Client(string? address = null)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Add(SqliteAppUnderAttack.ClientHeader, address ?? _address);
        return client;
    }

    [Fact]
    public async Task A_megabyte_phone_number_id_is_acknowledged_with_a_few_clipped_characters_of_log()
    {
        using var client = Client();
        var hugeId = new string('7', 1024 * 1024);

        var response = await client.PostWebhookAsync(Meta.TextWebhook(hugeId, "16315551181", "wamid.huge", "hi"), secret: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var logged = App.Logs.GetSnapshot().Where(Ours).Sum(r => r.Message.Length);
        Assert.True(logged < 1024, $"{logged} characters logged for one request");
        Assert.Contains(App.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("7777777", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_PublicBaseUrl_the_webhook_url_never_reflects_a_Host_header_the_client_chose()
    {
        using var admin = App.CreateAdminClient();
        var id = await admin.AddNumberAsync("106540352242923");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/whatsapp-numbers/{id}");
        request.Headers.Host = "evil.example";

        var number = await HttpAssert.JsonAsync(await admin.SendAsync(request), HttpStatusCode.OK);

        Assert.Equal("/api/meta-webhook", number.GetProperty("webhookUrl").GetString());
    }

    [Fact]
    public async Task Many_unknown_numbers_are_logged_as_a_few_ids_and_a_count()
    {
        using var client = Client();
        var changes = string.Join(",", Enumerable.Range(0, 500).Select(i =>
            $$$"""{"field":"messages","value":{"metadata":{"phone_number_id":"9{{{i:D8}}}"},"messages":[]}}"""));
        var body = $$$"""{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{{{changes}}}]}]}""";

        var response = await client.PostWebhookAsync(body, secret: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Assert.Single(App.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && Ours(r));
        Assert.Contains("and 495 more", record.Message, StringComparison.Ordinal);
        Assert.True(record.Message.Length < 600, record.Message);
    }

    [Theory]
    [InlineData("\r\n2026-12-02 fake: admin signed in")]
    [InlineData("\u001b[31mred\u001b[0m")]
    [InlineData("a\u0000b\u2028c\u0085d")]
    public async Task Control_characters_from_a_payload_never_reach_a_log_line(string injected)
    {
        using var client = Client();

        var response = await client.PostWebhookAsync(Meta.TextWebhook("555" + injected, "16315551181", "wamid.ctl", "hi"), secret: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Assert.Single(App.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && Ours(r));
        Assert.Contains("555", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(record.Message, c => char.IsControl(c) || c is '\u2028' or '\u2029');
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"object\":\"page\"}")]
    [InlineData("{\"object\":\"whatsapp_business_account\",\"entry\":{}}")]
    [InlineData("\u001b[2J{\"nope\r\n")]
    public async Task A_malformed_body_is_a_400_logged_once_without_a_stack_and_never_as_an_error(string body)
    {
        using var client = Client();

        var response = await client.PostWebhookAsync(body, secret: null);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        var records = App.Logs.GetSnapshot().Where(Ours).ToList();
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Warning);
        Assert.DoesNotContain(records, r => r.Exception is not null);
        var line = Assert.Single(records, r => r.Category == "CleanAgent.WebApi.Infrastructure.ProblemDetailsExceptionHandler");
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.DoesNotContain(line.Message, char.IsControl);
        Assert.True(line.Message.Length < 400, line.Message);
    }

    [Fact]
    public async Task A_client_that_keeps_failing_gets_429_but_its_signed_deliveries_and_other_clients_get_through()
    {
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        using var attacker = Client();
        var forged = Meta.TextWebhook(NumberId, "16315551181", "wamid.forged", "hi");

        for (var i = 0; i < SqliteAppUnderAttack.FailuresAllowed; i++)
        {
            await HttpAssert.ProblemAsync(await attacker.PostWebhookAsync(forged, secret: "not-the-app-secret"), HttpStatusCode.Unauthorized);
        }

        // Past the limit: a wrong signature, no signature, garbage and the admin API all get 429, with when to come back.
        var limited = new List<HttpResponseMessage>
        {
            await attacker.PostWebhookAsync(forged, secret: "not-the-app-secret"),
            await attacker.PostWebhookAsync(forged, secret: null),
            await attacker.PostWebhookAsync("{", secret: null),
        };
        attacker.DefaultRequestHeaders.Add("X-Api-Key", TestApp.ApiKey);
        limited.Add(await attacker.GetAsync("/api/agents"));
        foreach (var response in limited)
        {
            var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests);
            Assert.Equal(429, problem.GetProperty("status").GetInt32());
            var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 600);
        }

        // A delivery Meta signed still gets through from that same address (behind a proxy, all of Meta is one client).
        var genuine = await attacker.PostWebhookAsync(Meta.TextWebhook(NumberId, "16315551181", "wamid.genuine", "hello"));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Equal(1, await App.WithDbAsync(db => db.Messages.CountAsync(m => m.WhatsAppMessageId == "wamid.genuine")));
        Assert.Equal(0, await App.WithDbAsync(db => db.Messages.CountAsync(m => m.WhatsAppMessageId == "wamid.forged")));

        // Another client is not affected: its own failure is a plain 401, its admin calls work.
        using var neighbour = Client("198.51.100.77");
        await HttpAssert.ProblemAsync(await neighbour.PostWebhookAsync(forged, secret: "not-the-app-secret"), HttpStatusCode.Unauthorized);
        neighbour.DefaultRequestHeaders.Add("X-Api-Key", TestApp.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await neighbour.GetAsync("/api/agents")).StatusCode);
    }

    [Fact]
    public async Task Guessing_admin_keys_is_slowed_down_and_successes_never_count()
    {
        using var guesser = Client("2001:db8:7:7::1");
        guesser.DefaultRequestHeaders.Add("X-Api-Key", "guess-0123456789abcdef-0123456789abcdef");
        using var sameNetwork = Client("2001:db8:7:7::2");
        sameNetwork.DefaultRequestHeaders.Add("X-Api-Key", TestApp.ApiKey);

        for (var i = 0; i < 3 * SqliteAppUnderAttack.FailuresAllowed; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await sameNetwork.GetAsync("/api/agents")).StatusCode);
        }

        for (var i = 0; i < SqliteAppUnderAttack.FailuresAllowed; i++)
        {
            await HttpAssert.ProblemAsync(await guesser.GetAsync("/api/agents"), HttpStatusCode.Unauthorized);
        }

        await HttpAssert.ProblemAsync(await guesser.GetAsync("/api/agents"), HttpStatusCode.TooManyRequests);
        // An IPv6 client is its /64: another address in it is the same client.
        await HttpAssert.ProblemAsync(await sameNetwork.GetAsync("/api/agents"), HttpStatusCode.TooManyRequests);
        // Pages and health are never limited.
        Assert.Equal(HttpStatusCode.OK, (await guesser.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Bodies_in_flight_are_bounded_excess_gets_503_with_retry_after_and_a_stalled_body_times_out()
    {
        using var client = Client();
        var stalled = new[] { new StalledBody(App, _address), new StalledBody(App, _address) };
        await Task.WhenAll(stalled.Select(s => s.SendAsync(3 * 1024 * 1024 - 1)));

        // Once the server holds both bodies, a third is refused at once (until then it is simply answered).
        HttpResponseMessage excess;
        var probe = 0;
        do
        {
            excess = await client.PostWebhookAsync(Meta.TextWebhook("404404", "16315551181", "wamid.probe" + probe, "hi"), secret: null);
        }
        while (excess.StatusCode == HttpStatusCode.OK && ++probe < 500);

        await HttpAssert.ProblemAsync(excess, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("1", excess.Headers.GetValues("Retry-After").Single());
        foreach (var body in stalled)
        {
            var head = await body.ReadResponseHeadAsync();
            Assert.StartsWith("HTTP/1.1 408", head, StringComparison.Ordinal);
            Assert.Contains("Connection: close", head, StringComparison.OrdinalIgnoreCase);
            body.Dispose();
        }

        using var afterwards = Client("198.51.100.9");
        Assert.Equal(HttpStatusCode.OK, (await afterwards.PostWebhookAsync(Meta.TextWebhook("404404", "16315551181", "wamid.after", "hi"), secret: null)).StatusCode);
    }

    [Fact]
    public async Task Bodies_that_announce_3_MB_and_go_quiet_hold_only_what_they_sent()
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);

        for (var round = 0; round < 4; round++)
        {
            var stalled = new[] { new StalledBody(App, $"203.0.113.{round * 2 + 1}"), new StalledBody(App, $"203.0.113.{round * 2 + 2}") };
            await Task.WhenAll(stalled.Select(s => s.SendAsync(3 * 1024 * 1024)));
            foreach (var body in stalled)
            {
                Assert.StartsWith("HTTP/1.1 408", await body.ReadResponseHeadAsync(), StringComparison.Ordinal);
                body.Dispose();
            }
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        // 8 bodies announced 24 MB in all; each sent 1 KB. Buffers sized from Content-Length would allocate all 24 MB.
        Assert.True(allocated < 8L * 1024 * 1024, $"{allocated / 1024} KB allocated");
    }

    /// <summary>TestServer itself warns that it cannot apply body size limits; Kestrel can.</summary>
    private static bool Ours(Microsoft.Extensions.Logging.Testing.FakeLogRecord record) =>
        record.Category?.StartsWith("CleanAgent", StringComparison.Ordinal) == true || record.Level >= LogLevel.Error;

    /// <summary>A request on its own socket that announces a body, sends its first kilobyte, then nothing.</summary>
    private sealed class StalledBody(TestApp app, string clientAddress) : IDisposable
    {
        private readonly System.Net.Sockets.TcpClient _socket = new();

        public async Task SendAsync(long announced)
        {
            var server = app.ClientOptions.BaseAddress;
            await _socket.ConnectAsync(server.Host, server.Port);
            var head = $"POST /api/meta-webhook HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\n" +
                $"Content-Length: {announced}\r\n{SqliteAppUnderAttack.ClientHeader}: {clientAddress}\r\n\r\n";
            await _socket.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head + "{\"object\":\"whatsapp_business_account\"," + new string(' ', 1000)));
        }

        /// <summary>The status line and headers of the answer (bounded: the server's deadline answers well within it).</summary>
        public async Task<string> ReadResponseHeadAsync()
        {
            var buffer = new byte[4096];
            var read = await _socket.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            var text = Encoding.ASCII.GetString(buffer, 0, read);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            return end < 0 ? text : text[..end];
        }

        public void Dispose() => _socket.Dispose();
    }
}
