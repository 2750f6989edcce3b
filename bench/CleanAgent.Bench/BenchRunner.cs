using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace CleanAgent.Bench;

/// <summary>Runs the chosen scenarios on the chosen providers, one fresh database and one service process per scenario.</summary>
internal sealed partial class BenchRunner : IAsyncDisposable
{
    private const int NumberCount = 4;
    private const int Customers = 5_000;

    private readonly BenchOptions _options;
    private readonly string _runDirectory;
    private readonly LocalServer _graphServer;
    private readonly LocalServer _llmServer;
    private readonly FakeGraphApi _graph;
    private readonly FakeLlm _llm;
    private double? _ceilingRps;
    private bool _failed;

    private BenchRunner(BenchOptions options, string runDirectory, FakeGraphApi graph, LocalServer graphServer, FakeLlm llm, LocalServer llmServer)
    {
        _options = options;
        _runDirectory = runDirectory;
        _graph = graph;
        _graphServer = graphServer;
        _llm = llm;
        _llmServer = llmServer;
    }

    public static async Task<BenchRunner> CreateAsync(BenchOptions options)
    {
        var runDirectory = Path.Combine(Path.GetTempPath(), $"cleanagent-bench-{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}");
        Directory.CreateDirectory(runDirectory);
        var graph = new FakeGraphApi();
        var llm = new FakeLlm();
        return new BenchRunner(options, runDirectory, graph, await LocalServer.StartAsync(graph.Map), llm, await LocalServer.StartAsync(llm.Map));
    }

    private static IReadOnlyList<BenchNumber> NewNumbers(int count = NumberCount) =>
        Enumerable.Range(1, count).Select(i => new BenchNumber($"1065550000{i:000}", $"bench-app-secret-{i}-{Guid.NewGuid():N}")).ToList();

    private string ServiceDll => _options.ServiceDll ?? ServiceProcess.DefaultDll();

    public async Task<List<ResultRow>> RunAsync(CancellationToken cancellationToken)
    {
        var rows = new List<ResultRow>();
        Log($"run directory {_runDirectory}; service {ServiceDll}");
        if (_options.Scenarios.Contains("ceiling") || _options.Scenarios.Contains("ingest"))
        {
            rows.Add(await Guarded("ceiling", "-", CeilingAsync, cancellationToken));
        }

        if (_options.Scenarios.Contains("knowledge-search"))
        {
            rows.AddRange(await GuardedMany("knowledge-search", "-", KnowledgeSearchAsync, cancellationToken));
        }

        foreach (var provider in _options.Providers)
        {
            foreach (var scenario in _options.Scenarios.Where(s => s is not "ceiling" and not "knowledge-search"))
            {
                if (scenario == "knowledge")
                {
                    rows.AddRange(await GuardedMany(scenario, provider, ct => KnowledgeAsync(provider, ct), cancellationToken));
                    continue;
                }

                if (scenario == "history")
                {
                    rows.AddRange(await GuardedMany(scenario, provider, ct => HistoryAsync(provider, ct), cancellationToken));
                    continue;
                }

                Func<CancellationToken, Task<ResultRow>> run = scenario switch
                {
                    "ingest" => ct => IngestAsync(provider, ct),
                    "ingest-rate" => ct => IngestAtRateAsync(provider, ct),
                    "reply" => ct => ReplyAsync(provider, "reply", _options.ReplyRate, TimeSpan.Zero, ct),
                    "reply-slow-model" => ct => ReplyAsync(provider, "reply-slow-model", SlowModelRate, SlowModelDelay, ct),
                    _ => throw new InvalidOperationException(scenario),
                };
                rows.Add(await Guarded(scenario, provider, run, cancellationToken));
            }
        }

        foreach (var row in rows.Where(r => r.Scenario == "ingest"))
        {
            row.CeilingRps = _ceilingRps;
            row.Ratio = _ceilingRps is > 0 ? row.Rps / _ceilingRps : null;
        }

        return rows;
    }

    private async Task<ResultRow> Guarded(string scenario, string provider, Func<CancellationToken, Task<ResultRow>> run, CancellationToken cancellationToken) =>
        (await GuardedMany(scenario, provider, async ct => [await run(ct)], cancellationToken))[0];

    private async Task<IReadOnlyList<ResultRow>> GuardedMany(
        string scenario, string provider, Func<CancellationToken, Task<IReadOnlyList<ResultRow>>> run, CancellationToken cancellationToken)
    {
        Log($"{scenario} on {provider}: starting");
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var rows = await run(cancellationToken);
            foreach (var row in rows)
            {
                Log(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Scenario} on {row.Provider}: {row.Requests} requests, {row.Rps:0.0}/s, p50 {row.P50Ms:0.0} ms, p99 {row.P99Ms:0.0} ms, peak {row.PeakMb:0} MB, lost {row.Lost}, doubled {row.Doubled}, errors {row.Errors} {row.Note}"));
            }

            Log($"{scenario} on {provider}: done in {stopwatch.Elapsed.TotalSeconds:0} s");
            return rows;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log($"{scenario} on {provider}: FAILED after {stopwatch.Elapsed.TotalSeconds:0} s: {ex}");
            _failed = true;
            return [ResultRow.Failure(scenario, provider, ex.GetType().Name + ": " + ex.Message.Split('\n')[0])];
        }
    }

    private async Task<ResultRow> CeilingAsync(CancellationToken cancellationToken)
    {
        var numbers = NewNumbers();
        var endpoint = new CeilingEndpoint(numbers);
        await using var server = await LocalServer.StartAsync(endpoint.Map);
        var factory = new WebhookFactory(numbers, RunId(), Customers);
        using var client = LoadClient.Create(server.BaseAddress, _options.Connections);
        var seconds = _options.SecondsFor("ceiling");
        var result = await LoadClient.ClosedLoopAsync(_options.Connections, WarmUp(seconds), TimeSpan.FromSeconds(seconds),
            (i, ct) => LoadClient.PostWebhookAsync(client, factory.Create(i), ct), cancellationToken);
        _ceilingRps = result.Rps;
        return Row("ceiling", "-", result) with { Note = "bare Kestrel in the bench process: read body, parse JSON, check HMAC" };
    }

    private async Task<ResultRow> IngestAsync(string provider, CancellationToken cancellationToken)
    {
        var numbers = NewNumbers();
        await using var database = await BenchDatabase.CreateAsync(provider, _runDirectory, _options.PostgresConnectionString, cancellationToken);
        await using var service = await StartServiceAsync(database, "ingest", cancellationToken);
        await RegisterNumbersAsync(service, numbers, agentId: null, active: false, cancellationToken);

        var factory = new WebhookFactory(numbers, RunId(), Customers);
        using var client = LoadClient.Create(service.BaseAddress, _options.Connections);
        var tally = new IngestTally(client, factory);
        var seconds = _options.SecondsFor("ingest");
        var cpuBefore = service.CpuTime;
        var result = await LoadClient.ClosedLoopAsync(_options.Connections, WarmUp(seconds), TimeSpan.FromSeconds(seconds), tally.SendAsync, cancellationToken);
        return await IngestRowAsync("ingest", provider, result, service, database, cpuBefore, tally,
            $"{_options.Connections} connections, as fast as answered", cancellationToken);
    }

    private async Task<ResultRow> IngestAtRateAsync(string provider, CancellationToken cancellationToken)
    {
        var numbers = NewNumbers();
        await using var database = await BenchDatabase.CreateAsync(provider, _runDirectory, _options.PostgresConnectionString, cancellationToken);
        await using var service = await StartServiceAsync(database, "ingest-rate", cancellationToken);
        await RegisterNumbersAsync(service, numbers, agentId: null, active: false, cancellationToken);

        var factory = new WebhookFactory(numbers, RunId(), Customers);
        var rate = _options.IngestRate;
        using var client = LoadClient.Create(service.BaseAddress, 512);
        var tally = new IngestTally(client, factory);
        var seconds = _options.SecondsFor("ingest-rate");
        await LoadClient.OpenLoopAsync(rate, WarmUp(seconds), 2_000, (i, ct) => tally.SendAsync(i + 10_000_000, ct), cancellationToken);
        var cpuBefore = service.CpuTime;
        var result = await LoadClient.OpenLoopAsync(rate, TimeSpan.FromSeconds(seconds), 2_000, tally.SendAsync, cancellationToken);
        return await IngestRowAsync("ingest-rate", provider, result, service, database, cpuBefore, tally,
            $"open loop at {rate}/s, latency from the scheduled send", cancellationToken);
    }

    /// <summary>The row of an ingest phase: what was acknowledged against what the database holds afterwards.</summary>
    private static async Task<ResultRow> IngestRowAsync(
        string scenario, string provider, LoadResult result, ServiceProcess service, BenchDatabase database, TimeSpan cpuBefore,
        IngestTally tally, string load, CancellationToken cancellationToken)
    {
        service.Sample();
        var cpuMs = (service.CpuTime - cpuBefore).TotalMilliseconds / Math.Max(1, result.Sent);
        var stored = await database.CountInboundMessagesAsync(cancellationToken);
        return Row(scenario, provider, result) with
        {
            PeakMb = service.PeakWorkingSetBytes / 1048576.0,
            CpuMsPerRequest = cpuMs,
            Lost = Math.Max(0, tally.Acknowledged - stored),
            Doubled = Math.Max(0, stored - tally.Sent),
            Note = $"{load}; {Stored(tally.Acknowledged, tally.Sent, stored)}"
                + (result.Skipped > 0 ? $"; {result.Skipped} requests not sent (2000 in flight)" : string.Empty),
        };
    }

    /// <summary>Posts distinct webhooks and counts the messages sent and those acknowledged with a 200.</summary>
    private sealed class IngestTally(HttpClient client, WebhookFactory factory)
    {
        private long _sent;
        private long _acknowledged;

        public long Sent => Interlocked.Read(ref _sent);

        public long Acknowledged => Interlocked.Read(ref _acknowledged);

        public async Task<bool> SendAsync(long i, CancellationToken cancellationToken)
        {
            var webhook = factory.Create(i);
            Interlocked.Add(ref _sent, webhook.Messages);
            var ok = await LoadClient.PostWebhookAsync(client, webhook, cancellationToken);
            if (ok)
            {
                Interlocked.Add(ref _acknowledged, webhook.Messages);
            }

            return ok;
        }
    }

    /// <summary>reply-slow-model: the model answers after 2 s, at 100 messages/s.</summary>
    private const int SlowModelRate = 100;

    private static readonly TimeSpan SlowModelDelay = TimeSpan.FromSeconds(2);

    private async Task<ResultRow> ReplyAsync(string provider, string scenario, int rate, TimeSpan modelDelay, CancellationToken cancellationToken)
    {
        // The service paces each number at Meta's 80 requests/s, and a reply costs two (read receipt, send): 25 messages/s a number stays clear of it.
        var numbers = NewNumbers(Math.Max(NumberCount, (int)Math.Ceiling(rate / 25.0)));
        await using var database = await BenchDatabase.CreateAsync(provider, _runDirectory, _options.PostgresConnectionString, cancellationToken);
        await using var service = await StartServiceAsync(database, scenario, cancellationToken);
        var agentId = await service.PostAsync("/api/agents", new
        {
            name = "Bench agent",
            prompt = "You are the shop's assistant. Answer briefly and politely.",
            llmModel = "bench-model",
        }, cancellationToken);
        await RegisterNumbersAsync(service, numbers, agentId, active: true, cancellationToken);
        _graph.Reset();
        var llmCallsBefore = _llm.Calls;

        var factory = new WebhookFactory(numbers, RunId(), Customers);
        var seconds = _options.SecondsFor(scenario);
        using var client = LoadClient.Create(service.BaseAddress, 512);

        // Warm-up, not measured: a fresh service compiles for most of its first minute (tiered JIT; 5–8 s of CPU every
        // 10 s on this machine), and that one-time work is not the cost of a reply. Load at the scenario's own rate, drained.
        var warmSeconds = _options.ReplyWarmUpSeconds;
        var warmRate = warmSeconds == 0 ? Math.Min(rate, 20) : rate;
        var warmRecipients = new ConcurrentBag<string>();
        await LoadClient.OpenLoopAsync(warmRate, TimeSpan.FromSeconds(Math.Max(1, warmSeconds)), 2_000, async (i, ct) =>
        {
            var customer = "3518" + (10_000_000 + i).ToString(CultureInfo.InvariantCulture);
            var ok = await LoadClient.PostWebhookAsync(client, factory.Create(1_000_000_000 + i, 1, customer), ct);
            if (ok)
            {
                warmRecipients.Add(customer);
            }

            return ok;
        }, cancellationToken);
        await WaitForSendsAsync(
            () => warmRecipients.Count(r => _graph.SendsByRecipient.ContainsKey(r)), warmRecipients.Count, TimeSpan.FromSeconds(Math.Max(10, warmSeconds * 3)), cancellationToken);
        Log($"{scenario} on {provider}: warmed up with {warmRecipients.Count} messages in {Math.Max(1, warmSeconds)} s");
        llmCallsBefore = _llm.Calls;
        var readsBefore = _graph.Reads;
        var sentBefore = await database.CountOutboundSentAsync(cancellationToken);
        _llm.Delay = modelDelay;
        service.ResetPeakThreads();

        var total = (int)(rate * (double)seconds);
        var acknowledgedAt = new long[total];
        var recipients = new string[total];
        var cpuBefore = service.CpuTime;
        var result = await LoadClient.OpenLoopAsync(rate, TimeSpan.FromSeconds(seconds), 2_000, async (i, ct) =>
        {
            // One message per customer, so each send names the message it answers by its recipient.
            var customer = "3519" + (50_000_000 + i).ToString(CultureInfo.InvariantCulture);
            var ok = await LoadClient.PostWebhookAsync(client, factory.Create(i, 1, customer), ct);
            if (ok)
            {
                acknowledgedAt[i] = Stopwatch.GetTimestamp();
                recipients[i] = customer;
            }

            return ok;
        }, cancellationToken);

        var acknowledged = recipients.Count(r => r is not null);
        var drainLimit = TimeSpan.FromSeconds(Math.Clamp(seconds * 3, 10, 90)) + modelDelay;
        var drained = await WaitForSendsAsync(
            () => recipients.Count(r => r is not null && _graph.SendsByRecipient.ContainsKey(r)), acknowledged, drainLimit, cancellationToken);
        var cpuMs = (service.CpuTime - cpuBefore).TotalMilliseconds / Math.Max(1, acknowledged);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken); // a second send of the same answer would arrive now
        service.Sample();

        var latencies = new List<double>(acknowledged);
        long lost = 0, doubled = 0;
        for (var i = 0; i < total; i++)
        {
            if (recipients[i] is not { } recipient)
            {
                continue;
            }

            if (!_graph.SendsByRecipient.TryGetValue(recipient, out var sends) || sends.IsEmpty)
            {
                lost++;
                continue;
            }

            var times = sends.ToArray();
            doubled += times.Length - 1;
            latencies.Add(Stats.ElapsedMs(acknowledgedAt[i], times.Min()));
        }

        var sentInDb = await database.CountOutboundSentAsync(cancellationToken) - sentBefore;
        _llm.Delay = TimeSpan.Zero;
        return new ResultRow(scenario, provider, seconds, acknowledged, acknowledged / (double)seconds)
        {
            P50Ms = Stats.Percentile(latencies, 50),
            P95Ms = Stats.Percentile(latencies, 95),
            P99Ms = Stats.Percentile(latencies, 99),
            PeakMb = service.PeakWorkingSetBytes / 1048576.0,
            CpuMsPerRequest = cpuMs,
            Lost = lost,
            Doubled = doubled,
            Errors = result.Errors,
            PeakThreads = service.PeakThreads,
            Note = $"open loop at {rate}/s; model {modelDelay.TotalSeconds:0.#} s; peak {service.PeakThreads} threads; 200 → Graph send; {_llm.Calls - llmCallsBefore} LLM calls, {_graph.Reads - readsBefore} read receipts, {sentInDb} outbound sent in the database; after {warmRecipients.Count} warm-up messages"
                + (drained ? string.Empty : $"; sends still missing after {drainLimit.TotalSeconds:0} s (counted as lost)")
                + (result.Skipped > 0 ? $"; {result.Skipped} not sent" : string.Empty),
            Failed = acknowledged == 0,
        };
    }

    private async Task<IReadOnlyList<ResultRow>> HistoryAsync(string provider, CancellationToken cancellationToken)
    {
        var numbers = NewNumbers();
        await using var database = await BenchDatabase.CreateAsync(provider, _runDirectory, _options.PostgresConnectionString, cancellationToken);
        await using var service = await StartServiceAsync(database, "history", cancellationToken);
        await RegisterNumbersAsync(service, numbers, agentId: null, active: false, cancellationToken);

        var seeding = Stopwatch.StartNew();
        await database.SeedHistoryAsync(numbers.Select(n => n.Id).ToList(), _options.HistoryConversations, _options.HistoryMessages, cancellationToken);
        var seeded = await database.CountInboundMessagesAsync(cancellationToken);
        Log($"history on {provider}: seeded {_options.HistoryMessages} messages ({seeded} inbound) over {_options.HistoryConversations} conversations in {seeding.Elapsed.TotalSeconds:0} s");
        var conversationIds = await database.ConversationIdsAsync(_options.HistoryConversations, cancellationToken);

        using var client = LoadClient.Create(service.BaseAddress, 256);
        client.DefaultRequestHeaders.Add("X-Api-Key", ServiceProcess.AdminKey);
        async Task<bool> Get(string path, CancellationToken ct)
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct);
            return response.IsSuccessStatusCode;
        }

        Task<bool> List(long i, CancellationToken ct) =>
            Get($"/api/conversations?page={1 + i % 5}&pageSize=20", ct);

        Task<bool> Messages(long i, CancellationToken ct) =>
            Get($"/api/conversations/{conversationIds[(int)((i * 7919) % conversationIds.Count)]}/messages?page=1&pageSize=100", ct);

        var rate = Math.Max(1, _options.HistoryRate / 2);
        var seconds = _options.SecondsFor("history");
        var warmUp = WarmUp(seconds);
        await Task.WhenAll(
            LoadClient.OpenLoopAsync(rate, warmUp, 1_000, (i, ct) => List(i + 1, ct), cancellationToken),
            LoadClient.OpenLoopAsync(rate, warmUp, 1_000, (i, ct) => Messages(i + 5_000, ct), cancellationToken));
        var cpuBefore = service.CpuTime;
        var lists = LoadClient.OpenLoopAsync(rate, TimeSpan.FromSeconds(seconds), 1_000, List, cancellationToken);
        var pages = LoadClient.OpenLoopAsync(rate, TimeSpan.FromSeconds(seconds), 1_000, Messages, cancellationToken);
        await Task.WhenAll(lists, pages);
        service.Sample();
        var peak = service.PeakWorkingSetBytes / 1048576.0;
        // Both routes run at once, so they share one figure: the service's CPU per read of either kind.
        var cpuMs = (service.CpuTime - cpuBefore).TotalMilliseconds / Math.Max(1, (await lists).Sent + (await pages).Sent);
        var size = $"{_options.HistoryMessages / 1_000_000.0:0.##} M messages, {_options.HistoryConversations} conversations";
        return
        [
            Row("history-list", provider, await lists) with { PeakMb = peak, CpuMsPerRequest = cpuMs, Note = $"GET /api/conversations (pages 1–5 of 20), open loop at {rate}/s; {size}" },
            Row("history-messages", provider, await pages) with { PeakMb = peak, CpuMsPerRequest = cpuMs, Note = $"GET /api/conversations/{{id}}/messages (100 per page), open loop at {rate}/s; {size}" },
        ];
    }

    private async Task<ServiceProcess> StartServiceAsync(
        BenchDatabase database, string scenario, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = database.Provider,
            ["ConnectionStrings__CleanAgent"] = database.ConnectionString,
            ["Meta__GraphApiBaseUrl"] = _graphServer.BaseAddress.ToString().TrimEnd('/'),
            ["Ai__Provider"] = "OpenAI",
            ["Ai__Endpoint"] = new Uri(_llmServer.BaseAddress, "v1").ToString(),
            ["Ai__ApiKey"] = "bench-llm-key",
            ["Ai__Model"] = "bench-model",

            // The reply scenario measures the pipeline's overhead; the wait for a customer who keeps typing (1.5 s by
            // default) is a deliberate delay, not overhead. --set WhatsApp__BurstWindowMilliseconds=1500 measures with it.
            ["WhatsApp__BurstWindowMilliseconds"] = "0",
        };
        foreach (var setting in overrides ?? new Dictionary<string, string>())
        {
            environment[setting.Key] = setting.Value;
        }

        foreach (var setting in _options.ServiceSettings)
        {
            environment[setting.Key] = setting.Value;
        }

        var stopwatch = Stopwatch.StartNew();
        var service = await ServiceProcess.StartAsync(
            ServiceDll, environment, Path.Combine(_runDirectory, $"service-{scenario}-{database.Provider}.log"), cancellationToken);
        Log($"{scenario} on {database.Provider}: service pid {service.ProcessId} healthy at {service.BaseAddress} after {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return service;
    }

    private static async Task RegisterNumbersAsync(ServiceProcess service, IReadOnlyList<BenchNumber> numbers, Guid? agentId, bool active, CancellationToken cancellationToken)
    {
        for (var i = 0; i < numbers.Count; i++)
        {
            numbers[i].Id = await service.PostAsync("/api/whatsapp-numbers", new
            {
                phoneNumber = $"+1 650 253 {1000 + i:0000}",
                displayName = $"Bench number {i + 1}",
                phoneNumberId = numbers[i].PhoneNumberId,
                status = active ? "Active" : "Inactive",
                agentId,
                appSecret = numbers[i].AppSecret,
                accessToken = $"fake-bench-token-{i}",
                appId = "1234567890",
                businessId = "9876543210",
            }, cancellationToken);
        }
    }

    /// <summary>Polls until <paramref name="count"/> reaches <paramref name="expected"/>, or gives up after <paramref name="limit"/> or 10 s without progress.</summary>
    private static async Task<bool> WaitForSendsAsync(Func<int> count, int expected, TimeSpan limit, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var last = -1;
        var lastProgress = stopwatch.Elapsed;
        while (stopwatch.Elapsed < limit)
        {
            var now = count();
            if (now >= expected)
            {
                return true;
            }

            if (now != last)
            {
                last = now;
                lastProgress = stopwatch.Elapsed;
            }
            else if (stopwatch.Elapsed - lastProgress > TimeSpan.FromSeconds(10))
            {
                return false;
            }

            await Task.Delay(200, cancellationToken);
        }

        return false;
    }

    /// <summary>
    /// A request abandoned by the client (time-out, end of the run) may still be stored: such messages count neither as
    /// lost nor as doubled. Doubled means more stored than ever sent.
    /// </summary>
    private static string Stored(long acknowledged, long sent, long stored) =>
        $"{acknowledged} messages acknowledged, {stored} in the database"
        + (sent > acknowledged ? $" ({sent - acknowledged} more sent without an answer)" : string.Empty);

    private static ResultRow Row(string scenario, string provider, LoadResult result) =>
        new(scenario, provider, result.Seconds, result.Requests, result.Rps)
        {
            P50Ms = result.Percentile(50),
            P95Ms = result.Percentile(95),
            P99Ms = result.Percentile(99),
            Errors = result.Errors,
        };

    private static TimeSpan WarmUp(int seconds) => TimeSpan.FromSeconds(Math.Clamp(seconds / 5.0, 1, 3));

    private static string RunId() => Guid.NewGuid().ToString("N")[..8];

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    public async ValueTask DisposeAsync()
    {
        await _graphServer.DisposeAsync();
        await _llmServer.DisposeAsync();
        if (_failed || _options.KeepLogs)
        {
            Log($"the service logs stay in {_runDirectory}");
            return;
        }

        try
        {
            Directory.Delete(_runDirectory, recursive: true);
        }
        catch (IOException ex)
        {
            Log($"could not delete {_runDirectory}: {ex.Message}");
        }
    }
}
