using System.Collections.Concurrent;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Agents;
using CleanAgent.Domain.Numbers;

namespace CleanAgent.Application.Replies;

/// <summary>
/// Numbers (with their token decrypted) and agents as reply runs read them, shared by the runs of this process: two
/// queries and a decryption fewer per reply. An entry is read again when an agent or number was saved in this process
/// since (<see cref="ReferenceData.Changed"/>), and when it is older than <see cref="MaxAge"/>, so a change made through
/// another instance is seen within that time, as the webhook's number directory does. The entities are detached and
/// shared: runs read them, never change them.
/// </summary>
internal sealed class ReferenceDataCache(ISecretProtector protector, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Guid, Entry<(WhatsAppNumber Number, SenderNumber Sender)>> _numbers = new();
    private readonly ConcurrentDictionary<Guid, Entry<Agent?>> _agents = new();

    public async Task<(WhatsAppNumber Number, SenderNumber Sender)> NumberAsync(Guid id, Func<Task<WhatsAppNumber>> load) =>
        await GetAsync(_numbers, id, async () =>
        {
            var number = await load();
            return (number, number.ToSender(protector));
        });

    /// <summary>The number read again whatever its entry's age (Meta refused the cached token).</summary>
    public Task<(WhatsAppNumber Number, SenderNumber Sender)> ReloadNumberAsync(Guid id, Func<Task<WhatsAppNumber>> load)
    {
        _numbers.TryRemove(id, out _);
        return NumberAsync(id, load);
    }

    public Task<Agent?> AgentAsync(Guid id, Func<Task<Agent?>> load) => GetAsync(_agents, id, load);

    private async Task<T> GetAsync<T>(ConcurrentDictionary<Guid, Entry<T>> entries, Guid id, Func<Task<T>> load)
    {
        var now = time.GetUtcNow();
        if (entries.TryGetValue(id, out var entry) && entry.Generation == ReferenceData.Generation && now - entry.LoadedAt < MaxAge)
        {
            return entry.Value;
        }

        // The generation is taken before the read: a change saved while it runs makes the entry stale at once.
        var generation = ReferenceData.Generation;
        var value = await load();
        entries[id] = new Entry<T>(value, generation, now);
        return value;
    }

    private sealed record Entry<T>(T Value, long Generation, DateTimeOffset LoadedAt);
}

/// <summary>
/// Counts the saves that added, changed or removed an agent or a number in this process (the persistence layer tells
/// it), so that what is cached of them is read again. Process-wide on purpose: a save through any context invalidates.
/// </summary>
public static class ReferenceData
{
    private static long _generation;

    public static long Generation => Interlocked.Read(ref _generation);

    public static void Changed() => Interlocked.Increment(ref _generation);
}
