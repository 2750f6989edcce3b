using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Webhooks;
using CleanAgent.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.Infrastructure.Meta.Webhooks;

/// <summary>
/// All numbers, held in memory with their secrets decrypted, refreshed when a number changes here
/// and at least every <see cref="MaxAge"/> (so a change made through another instance is seen too).
/// </summary>
internal sealed class CachedNumberDirectory(IServiceScopeFactory scopes, ISecretProtector protector, TimeProvider time) : INumberDirectory
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot? _snapshot;

    public async Task<IReadOnlyDictionary<string, KnownNumber>> FindAsync(IEnumerable<string> phoneNumberIds, CancellationToken cancellationToken)
    {
        var numbers = await CurrentAsync(cancellationToken);
        var found = new Dictionary<string, KnownNumber>(StringComparer.Ordinal);
        foreach (var id in phoneNumberIds)
        {
            if (numbers.TryGetValue(id, out var number))
            {
                found[id] = number;
            }
        }

        return found;
    }

    public async Task<IReadOnlyList<KnownNumber>> FindByAccountAsync(IEnumerable<string> accountIds, CancellationToken cancellationToken)
    {
        var wanted = accountIds.ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return [];
        }

        var numbers = await CurrentAsync(cancellationToken);
        return numbers.Values.Where(n => n.AccountId is not null && wanted.Contains(n.AccountId)).ToList();
    }

    public void Invalidate() => _snapshot = null;

    private async Task<IReadOnlyDictionary<string, KnownNumber>> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && time.GetUtcNow() - snapshot.LoadedAt < MaxAge)
        {
            return snapshot.Numbers;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            snapshot = _snapshot;
            if (snapshot is not null && time.GetUtcNow() - snapshot.LoadedAt < MaxAge)
            {
                return snapshot.Numbers;
            }

            var loadedAt = time.GetUtcNow();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var rows = await db.WhatsAppNumbers.AsNoTracking()
                .Select(n => new { n.Id, n.PhoneNumberId, n.Status, n.ProtectedAppSecret, AccountId = n.WabaId ?? n.BusinessId, n.IsSandbox })
                .ToListAsync(cancellationToken);
            var numbers = rows.ToDictionary(
                r => r.PhoneNumberId,
                r => new KnownNumber(r.Id, r.PhoneNumberId, r.Status, r.ProtectedAppSecret is null ? null : protector.Unprotect(r.ProtectedAppSecret), r.AccountId, r.IsSandbox),
                StringComparer.Ordinal);
            _snapshot = new Snapshot(numbers, loadedAt);
            return numbers;
        }
        finally
        {
            _loading.Release();
        }
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, KnownNumber> Numbers, DateTimeOffset LoadedAt);
}
