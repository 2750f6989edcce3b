using System.Collections.Concurrent;
using System.Net;
using CleanAgent.WebApi.FunctionalTests.Support;

namespace CleanAgent.WebApi.FunctionalTests.Resilience;

/// <summary>Meta's side of the webhook: it delivers each message until some instance answers 200.</summary>
public static class MetaDelivery
{
    /// <summary>
    /// Delivers customer <c>i</c>'s message (<see cref="ProcessRig.Webhook"/>) for each i, to every
    /// client at once (a redelivery racing the first delivery), again after a failure, until one
    /// answers 200 (bounded). Returns the customers whose message was acknowledged.
    /// </summary>
    public static async Task<IReadOnlyCollection<string>> DeliverAsync(
        IReadOnlyList<HttpClient> clients, IEnumerable<int> messages, Action<int>? acknowledged = null, int parallelism = 8)
    {
        var acked = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var count = 0;
        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, _) =>
        {
            var body = ProcessRig.Webhook(i);
            for (var attempt = 0; attempt < 40 && !acked.ContainsKey(ProcessRig.Customer(i)); attempt++)
            {
                var results = await Task.WhenAll(clients.Select(c => TryPostAsync(c, body)));
                if (results.Any(ok => ok))
                {
                    if (acked.TryAdd(ProcessRig.Customer(i), true))
                    {
                        acknowledged?.Invoke(Interlocked.Increment(ref count));
                    }
                }
                else
                {
                    await Task.Delay(250);
                }
            }
        });
        return acked.Keys.ToList();
    }

    private static async Task<bool> TryPostAsync(HttpClient client, byte[] body)
    {
        try
        {
            using var response = await client.PostWebhookAsync(body);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
