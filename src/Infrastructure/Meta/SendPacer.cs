using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using CleanAgent.Application.Replies;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Meta;

/// <summary>
/// Keeps each phone number id under its sends per second (the number's own setting, else
/// <see cref="MetaOptions.MaxSendsPerSecond"/>); one singleton shared by every reply in the process. A wait is a queued
/// lease of a token bucket: no thread is held while a number waits its turn.
/// </summary>
internal sealed class SendPacer(IOptions<MetaOptions> options) : ISendPacer, IDisposable
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly int _defaultPerSecond = Math.Max(1, options.Value.MaxSendsPerSecond);

    public async ValueTask<bool> WaitTurnAsync(string phoneNumberId, int? perSecond, CancellationToken cancellationToken)
    {
        var rate = perSecond is > 0 ? perSecond.Value : _defaultPerSecond;
        var bucket = _buckets.AddOrUpdate(
            phoneNumberId,
            _ => new Bucket(rate),
            // A changed setting starts a new bucket; waits queued on the old one finish there.
            (_, existing) => existing.PerSecond == rate ? existing : new Bucket(rate));
        using var lease = await bucket.Limiter.AcquireAsync(1, cancellationToken);
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.Limiter.Dispose();
        }
    }

    private sealed record Bucket(int PerSecond)
    {
        public TokenBucketRateLimiter Limiter { get; } = new(new TokenBucketRateLimiterOptions
        {
            TokenLimit = PerSecond,
            TokensPerPeriod = PerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}
