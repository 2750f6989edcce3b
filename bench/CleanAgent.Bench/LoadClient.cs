using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace CleanAgent.Bench;

/// <summary>What one load phase measured. Latencies are in milliseconds.</summary>
internal sealed record LoadResult(long Requests, long Errors, double Seconds, IReadOnlyList<double> LatenciesMs, long Skipped = 0)
{
    /// <summary>Every request sent, warm-up included: what the service's CPU time over the whole call is divided by.</summary>
    public long Sent { get; init; }

    public double Rps => Seconds <= 0 ? 0 : Requests / Seconds;

    public double Percentile(double p) => Stats.Percentile(LatenciesMs, p);
}

internal static class Stats
{
    /// <summary>Nearest-rank percentile of an unsorted list (sorted copy).</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double ElapsedMs(long fromTimestamp, long toTimestamp) => (toTimestamp - fromTimestamp) * 1000.0 / Stopwatch.Frequency;
}

/// <summary>The load generator: plain HttpClient over keep-alive connections, used alike for the service and for the ceiling.</summary>
internal static class LoadClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static HttpClient Create(Uri baseAddress, int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public static async Task<bool> PostWebhookAsync(HttpClient client, SignedWebhook webhook, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(webhook.Body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/meta-webhook") { Content = content };
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", webhook.Signature);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// Closed loop: <paramref name="connections"/> workers each send the next request as soon as the last one is answered,
    /// first for <paramref name="warmUp"/> (not counted), then for <paramref name="duration"/>.
    /// </summary>
    public static async Task<LoadResult> ClosedLoopAsync(
        int connections, TimeSpan warmUp, TimeSpan duration, Func<long, CancellationToken, Task<bool>> send, CancellationToken cancellationToken)
    {
        long next = -1, requests = 0, errors = 0;
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perWorker = new List<double>[connections];

        async Task Worker(int worker)
        {
            var latencies = perWorker[worker] = new List<double>(4096);
            while (!cancellationToken.IsCancellationRequested)
            {
                var sent = Stopwatch.GetTimestamp();
                if (sent >= end)
                {
                    return;
                }

                bool ok;
                try
                {
                    ok = await send(Interlocked.Increment(ref next), cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    ok = false;
                }

                var answered = Stopwatch.GetTimestamp();
                if (sent < measureFrom || answered > end)
                {
                    continue;
                }

                if (ok)
                {
                    Interlocked.Increment(ref requests);
                    latencies.Add(Stats.ElapsedMs(sent, answered));
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).Select(w => Task.Run(() => Worker(w), cancellationToken)));
        return new LoadResult(requests, errors, duration.TotalSeconds, perWorker.SelectMany(l => l).ToList()) { Sent = next + 1 };
    }

    /// <summary>
    /// Open loop: request i is due at start + i / rate whether or not earlier ones were answered; its latency counts
    /// from when it was due (so a stall shows in the figures instead of slowing the arrivals). At most
    /// <paramref name="maxInFlight"/> wait at once; past that a request is skipped and counted.
    /// </summary>
    public static async Task<LoadResult> OpenLoopAsync(
        int rate, TimeSpan duration, int maxInFlight, Func<long, CancellationToken, Task<bool>> send, CancellationToken cancellationToken)
    {
        // An overloaded service may hold thousands of requests; they get this long to finish, then they are abandoned (errors).
        var drainLimit = TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds * 1.5, 3, 35));
        using var requests = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var total = (long)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var succeeded = new bool[total];
        long inFlight = 0, skipped = 0;
        var tasks = new List<Task>((int)Math.Min(total, 1_000_000));
        var start = Stopwatch.GetTimestamp();

        async Task Run(long i, long due)
        {
            try
            {
                succeeded[i] = await send(i, requests.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                succeeded[i] = false;
            }
            finally
            {
                latencies[i] = Stats.ElapsedMs(due, Stopwatch.GetTimestamp());
                Interlocked.Decrement(ref inFlight);
            }
        }

        long index = 0;
        while (index < total && !cancellationToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            while (index < total)
            {
                var due = start + (long)(index * (double)Stopwatch.Frequency / rate);
                if (due > now)
                {
                    break;
                }

                if (Interlocked.Read(ref inFlight) >= maxInFlight)
                {
                    skipped++;
                    succeeded[index] = false;
                    latencies[index] = double.NaN;
                }
                else
                {
                    Interlocked.Increment(ref inFlight);
                    tasks.Add(Run(index, due));
                }

                index++;
            }

            await Task.Delay(1, cancellationToken);
        }

        var all = Task.WhenAll(tasks);
        if (await Task.WhenAny(all, Task.Delay(drainLimit, cancellationToken)) != all)
        {
            await requests.CancelAsync();
        }

        await all.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

        var ok = new List<double>((int)total);
        long errors = 0;
        for (var i = 0; i < index; i++)
        {
            if (succeeded[i])
            {
                ok.Add(latencies[i]);
            }
            else if (!double.IsNaN(latencies[i]))
            {
                errors++;
            }
        }

        return new LoadResult(ok.Count, errors, duration.TotalSeconds, ok, skipped) { Sent = total - skipped };
    }
}
