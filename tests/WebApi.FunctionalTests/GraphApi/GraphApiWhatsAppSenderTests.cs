using System.Text.Json;
using CleanAgent.Application.Replies;
using CleanAgent.Infrastructure;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CleanAgent.WebApi.FunctionalTests.GraphApi;

public sealed class GraphApiWhatsAppSenderTests : IDisposable
{
    private const string NumberToken = "fake-number-token-SECRET-1111";
    private const string FallbackToken = "fake-fallback-token-SECRET-2222";
    private const string PhoneNumberId = "106540352242922";

    private readonly WireMockServer _meta = FakeHttpServer.Start();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;

    public GraphApiWhatsAppSenderTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Meta:GraphApiBaseUrl"] = _meta.Url,
            ["Meta:FallbackAccessToken"] = FallbackToken,
            // Long enough for a cold, busy machine; the time-out test waits past it.
            ["Meta:TimeoutSeconds"] = "5",
        }).Build();
        _services = new ServiceCollection()
            .AddFakeLogging()
            .AddSingleton<TimeProvider>(_time)
            .AddRepliesInfrastructure(configuration)
            .BuildServiceProvider();
    }

    private IWhatsAppSender Sender => _services.GetRequiredService<IWhatsAppSender>();

    private static SenderNumber Number(string? token = NumberToken, string version = "v23.0") => new(PhoneNumberId, version, token);

    private void Answer(int status, string body, Action<IResponseBuilder>? more = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        more?.Invoke(response);
        _meta.Given(Request.Create().UsingPost()).RespondWith(response);
    }

    [Fact]
    public async Task Text_is_posted_to_the_numbers_version_and_id_with_its_token_as_a_reply()
    {
        Answer(200, FakeHttpServer.Fixture("graph_send_success_recorded_ruby.json"));

        var result = await Sender.SendTextAsync(Number(), "13437772910", "Hello there", "wamid.INBOUND123", CancellationToken.None);

        Assert.Equal(new SendResult.Sent("wamid.HBgLMTM0Mzc3NzI5MTAVAgARGBIyQzU4M0Q4MDc2NDY4ODgwNjUA"), result);
        var request = Assert.Single(_meta.LogEntries).RequestMessage;
        Assert.Equal($"/v23.0/{PhoneNumberId}/messages", request.Path);
        Assert.Equal($"Bearer {NumberToken}", request.Headers!["Authorization"].Single());
        using var body = JsonDocument.Parse(request.Body!);
        var root = body.RootElement;
        Assert.Equal("whatsapp", root.GetProperty("messaging_product").GetString());
        Assert.Equal("individual", root.GetProperty("recipient_type").GetString());
        Assert.Equal("13437772910", root.GetProperty("to").GetString());
        Assert.Equal("text", root.GetProperty("type").GetString());
        Assert.Equal("Hello there", root.GetProperty("text").GetProperty("body").GetString());
        Assert.False(root.GetProperty("text").GetProperty("preview_url").GetBoolean());
        Assert.Equal("wamid.INBOUND123", root.GetProperty("context").GetProperty("message_id").GetString());
    }

    [Fact]
    public async Task Text_that_replies_to_nothing_has_no_context_and_accepted_answer_gives_its_wamid()
    {
        Answer(200, FakeHttpServer.Fixture("graph_send_accepted_bsuid_wappa.json"));

        var result = await Sender.SendTextAsync(Number(version: "v24.0"), "573001112233", "Hi", null, CancellationToken.None);

        Assert.Equal(new SendResult.Sent("wamid.golden"), result);
        var request = Assert.Single(_meta.LogEntries).RequestMessage;
        Assert.Equal($"/v24.0/{PhoneNumberId}/messages", request.Path);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.False(body.RootElement.TryGetProperty("context", out _));
    }

    [Fact]
    public async Task Fallback_token_is_used_only_for_a_number_without_its_own()
    {
        Answer(200, FakeHttpServer.Fixture("graph_send_success_bindambc.json"));

        await Sender.SendTextAsync(Number(token: null), "48111", "a", null, CancellationToken.None);
        await Sender.SendTextAsync(Number(), "48111", "b", null, CancellationToken.None);

        var tokens = _meta.LogEntries.OrderBy(e => e.RequestMessage.DateTime).Select(e => e.RequestMessage.Headers!["Authorization"].Single()).ToList();
        Assert.Equal([$"Bearer {FallbackToken}", $"Bearer {NumberToken}"], tokens);
    }

    [Theory]
    [InlineData("graph_error_100_invalid_parameter_recorded_ruby.json", 400, false, "100")]
    [InlineData("graph_error_100_invalid_post_id_recorded_ruby.json", 400, false, "100")]
    [InlineData("graph_error_100_object_not_found_bindambc.json", 400, false, "100")]
    [InlineData("graph_error_100_unsupported_post_recorded_ruby.json", 400, false, "100")]
    [InlineData("graph_error_130429_courier.json", 400, true, "130429")]
    [InlineData("graph_error_131056_courier.json", 400, true, "131056")]
    [InlineData("graph_error_131062_wappa.json", 400, false, "131062")]
    [InlineData("graph_error_190_graph_docs.json", 401, false, "190")]
    [InlineData("graph_error_368_courier.json", 403, false, "368")]
    public async Task Meta_error_is_classified_by_its_code(string fixture, int status, bool retryable, string code)
    {
        Answer(status, FakeHttpServer.Fixture(fixture));

        var result = await Sender.SendTextAsync(Number(), "15551234567", "x", null, CancellationToken.None);

        if (retryable)
        {
            Assert.Equal(code, Assert.IsType<SendResult.RetryableFailure>(result).Code);
        }
        else
        {
            Assert.Equal(code, Assert.IsType<SendResult.PermanentFailure>(result).Code);
        }

        Assert.Single(_meta.LogEntries);
    }

    [Fact]
    public async Task Error_details_from_Meta_are_kept_in_the_failure()
    {
        Answer(400, FakeHttpServer.Fixture("graph_error_100_invalid_parameter_recorded_ruby.json"));

        var result = await Sender.SendTextAsync(Number(), "15551234567", "x", null, CancellationToken.None);

        var failure = Assert.IsType<SendResult.PermanentFailure>(result);
        Assert.Contains("Invalid parameter", failure.Title, StringComparison.Ordinal);
        Assert.Contains("Please check the message ID", failure.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_token_is_a_permanent_190_left_to_the_delivery_step_to_log()
    {
        Answer(401, FakeHttpServer.Fixture("graph_error_190_graph_docs.json"));

        var result = await Sender.SendTextAsync(Number(), "15551234567", "x", null, CancellationToken.None);

        Assert.Equal("190", Assert.IsType<SendResult.PermanentFailure>(result).Code);
        var logs = _services.GetFakeLogCollector().GetSnapshot();
        Assert.DoesNotContain(logs, r => r.Level > Microsoft.Extensions.Logging.LogLevel.Debug && r.Category!.Contains("GraphApi", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_after_in_seconds_is_honoured()
    {
        Answer(429, FakeHttpServer.Fixture("graph_error_130429_courier.json"), r => r.WithHeader("Retry-After", "7"));

        var result = await Sender.SendTextAsync(Number(), "15551234567", "x", null, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(7), Assert.IsType<SendResult.RetryableFailure>(result).RetryAfter);
    }

    [Fact]
    public async Task Retry_after_as_a_date_is_honoured()
    {
        var at = _time.GetUtcNow().AddMinutes(2).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        Answer(503, "", r => r.WithHeader("Retry-After", at));

        var result = await Sender.SendTextAsync(Number(), "15551234567", "x", null, CancellationToken.None);

        var failure = Assert.IsType<SendResult.RetryableFailure>(result);
        Assert.Equal(TimeSpan.FromMinutes(2), failure.RetryAfter);
        Assert.Equal("http_503", failure.Code);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Server_error_without_a_Meta_body_is_retryable(int status)
    {
        Answer(status, "<html>oops</html>");

        var result = await Sender.SendTextAsync(Number(), "15551234567", "x", null, CancellationToken.None);

        Assert.IsType<SendResult.RetryableFailure>(result);
    }

    [Fact]
    public async Task Timeout_is_retryable_and_not_retried_here()
    {
        _meta.Given(Request.Create().UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(8)).WithBody(FakeHttpServer.Fixture("graph_send_success_bindambc.json")));

        var result = await Sender.SendTextAsync(Number(), "15551234567", "x", null, CancellationToken.None);

        Assert.Equal("timeout", Assert.IsType<SendResult.RetryableFailure>(result).Code);
        await Task.Delay(3500);
        Assert.Single(_meta.LogEntries);
    }

    [Fact]
    public async Task Unreachable_server_is_retryable()
    {
        var url = _meta.Url!;
        _meta.Stop();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Meta:GraphApiBaseUrl"] = url }).Build();
        using var services = new ServiceCollection().AddFakeLogging().AddSingleton(TimeProvider.System).AddRepliesInfrastructure(configuration).BuildServiceProvider();

        var result = await services.GetRequiredService<IWhatsAppSender>().SendTextAsync(Number(), "15551234567", "x", null, CancellationToken.None);

        Assert.Equal("network", Assert.IsType<SendResult.RetryableFailure>(result).Code);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_turned_into_a_failure()
    {
        _meta.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(800)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sender.SendTextAsync(Number(), "15551234567", "x", null, cancel.Token));
    }

    [Fact]
    public async Task Number_without_any_token_fails_permanently_without_calling_Meta()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Meta:GraphApiBaseUrl"] = _meta.Url }).Build();
        using var services = new ServiceCollection().AddFakeLogging().AddSingleton(TimeProvider.System).AddRepliesInfrastructure(configuration).BuildServiceProvider();

        var result = await services.GetRequiredService<IWhatsAppSender>().SendTextAsync(Number(token: null), "15551234567", "x", null, CancellationToken.None);

        Assert.Equal("no_access_token", Assert.IsType<SendResult.PermanentFailure>(result).Code);
        Assert.Empty(_meta.LogEntries);
    }

    [Fact]
    public async Task Mark_read_posts_read_status_with_typing_indicator()
    {
        Answer(200, """{"success":true}""");

        await Sender.MarkReadAsync(Number(), "wamid.IN1", CancellationToken.None);

        var request = Assert.Single(_meta.LogEntries).RequestMessage;
        Assert.Equal($"/v23.0/{PhoneNumberId}/messages", request.Path);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("whatsapp", body.RootElement.GetProperty("messaging_product").GetString());
        Assert.Equal("read", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("wamid.IN1", body.RootElement.GetProperty("message_id").GetString());
        Assert.Equal("text", body.RootElement.GetProperty("typing_indicator").GetProperty("type").GetString());
        Assert.DoesNotContain(_services.GetFakeLogCollector().GetSnapshot(), r => r.Message.Contains("Could not mark", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mark_read_failure_is_logged_not_thrown()
    {
        Answer(400, FakeHttpServer.Fixture("graph_error_100_invalid_parameter_recorded_ruby.json"));

        await Sender.MarkReadAsync(Number(), "wamid.IN1", CancellationToken.None);

        Assert.Contains(_services.GetFakeLogCollector().GetSnapshot(), r => r.Message.Contains("Could not mark", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tokens_never_reach_the_logs_or_the_results()
    {
        var results = new List<SendResult>();
        foreach (var (status, fixture) in new[] { (401, "graph_error_190_graph_docs.json"), (400, "graph_error_130429_courier.json"), (400, "graph_error_100_invalid_parameter_recorded_ruby.json") })
        {
            _meta.Reset();
            Answer(status, FakeHttpServer.Fixture(fixture));
            results.Add(await Sender.SendTextAsync(Number(), "15551234567", "x", null, CancellationToken.None));
            results.Add(await Sender.SendTextAsync(Number(token: null), "15551234567", "x", null, CancellationToken.None));
            await Sender.MarkReadAsync(Number(), "wamid.X", CancellationToken.None);
        }

        var logs = _services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(logs);
        var everything = string.Join('\n', logs.Select(r => r.Message + " " + r.Exception + " " + string.Join(',', r.StructuredState ?? [])))
            + string.Join('\n', results.Select(r => r.ToString()));
        Assert.DoesNotContain("SECRET", everything, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _services.Dispose();
        _meta.Stop();
        _meta.Dispose();
    }
}
