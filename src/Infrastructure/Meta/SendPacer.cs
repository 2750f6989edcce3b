using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Meta;

/// <summary>
/// Keeps each phone number id under <see cref="MetaOptions.MaxSendsPerSecond"/>; one singleton shared
/// by every sender instance, so concurrent reply jobs for the same number wait their turn.
/// </summary>
internal sealed class SendPacer(IOptions<MetaOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly int _perSecond = Math.Max(1, options.Value.MaxSendsPerSecond);

    public async ValueTask<bool> WaitTurnAsync(string phoneNumberId, CancellationToken cancellationToken)
    {
        var limiter = _limiters.GetOrAdd(phoneNumberId, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _perSecond,
            TokensPerPeriod = _perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 100_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }));
        using var lease = await limiter.AcquireAsync(1, cancellationToken);
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
