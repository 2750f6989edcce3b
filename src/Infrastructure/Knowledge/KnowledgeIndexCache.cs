using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>
/// The agents' knowledge indexes, bounded in memory (<c>Knowledge:IndexCacheMegabytes</c>), each built
/// once: replies that ask for an index being built wait for that build instead of starting their own.
/// </summary>
internal sealed class KnowledgeIndexCache : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<string, Lazy<Task<KnowledgeIndex>>> _building = new();

    public KnowledgeIndexCache(IOptions<KnowledgeOptions> options) =>
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.IndexCacheMegabytes) * 1024L * 1024L });

    // An evicted index is not disposed: a reply may still be searching it; it is managed memory only.

    /// <summary>The index for <paramref name="key"/> (an agent and the version of its knowledge), built by <paramref name="build"/> if missing.</summary>
    public async Task<KnowledgeIndex> GetAsync(string key, Func<Task<KnowledgeIndex>> build)
    {
        if (_cache.TryGetValue(key, out KnowledgeIndex? cached) && cached is not null)
        {
            return cached;
        }

        var lazy = _building.GetOrAdd(key, _ => new Lazy<Task<KnowledgeIndex>>(build));
        try
        {
            var index = await lazy.Value;
            _cache.Set(key, index, new MemoryCacheEntryOptions
            {
                Size = index.ApproximateBytes,
                SlidingExpiration = TimeSpan.FromMinutes(30),
            });
            return index;
        }
        finally
        {
            _building.TryRemove(new KeyValuePair<string, Lazy<Task<KnowledgeIndex>>>(key, lazy));
        }
    }

    public void Dispose() => _cache.Dispose();
}
