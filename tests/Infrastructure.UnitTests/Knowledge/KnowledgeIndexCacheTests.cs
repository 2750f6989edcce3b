using CleanAgent.Infrastructure.Knowledge;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.UnitTests.Knowledge;

public sealed class KnowledgeIndexCacheTests
{
    [Fact]
    public async Task Replies_asking_for_the_same_index_at_once_share_one_build()
    {
        using var cache = new KnowledgeIndexCache(Options.Create(new KnowledgeOptions()));
        var builds = 0;
        var release = new TaskCompletionSource();

        async Task<KnowledgeIndex> Build()
        {
            Interlocked.Increment(ref builds);
            await release.Task;
            return KnowledgeIndexTests.Index(KnowledgeIndexTests.Faq);
        }

        var waiting = Enumerable.Range(0, 8).Select(_ => Task.Run(() => cache.GetAsync("agent:v1", Build))).ToList();
        await Task.Delay(100);
        release.SetResult();
        var indexes = await Task.WhenAll(waiting);
        var again = await cache.GetAsync("agent:v1", Build);
        var next = await cache.GetAsync("agent:v2", Build);

        Assert.Single(indexes.Distinct());
        Assert.Same(indexes[0], again);
        Assert.NotSame(again, next);
        Assert.Equal(2, builds);
    }
}
