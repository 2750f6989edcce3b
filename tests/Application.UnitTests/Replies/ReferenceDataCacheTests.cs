using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Application.UnitTests.Support;
using CleanAgent.Domain.Agents;
using CleanAgent.Domain.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace CleanAgent.Application.UnitTests.Replies;

/// <summary>
/// The reply runs' cache of agents and numbers, over the real EF model: saves through the context decide when an entry
/// is read again. Alone in its collection, since the generation it watches is process-wide.
/// </summary>
[Collection(nameof(ReferenceDataCacheTests))]
[CollectionDefinition(nameof(ReferenceDataCacheTests), DisableParallelization = true)]
public sealed class ReferenceDataCacheTests : IDisposable
{
    private readonly SqliteDatabase _database = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private int _loads;

    [Fact]
    public async Task An_agent_is_read_once_then_served_from_memory()
    {
        var agent = await _database.AddAgentAsync();
        var cache = new ReferenceDataCache(new PlainProtector(), _time);

        var first = await cache.AgentAsync(agent.Id, () => LoadAsync(agent.Id));
        var second = await cache.AgentAsync(agent.Id, () => LoadAsync(agent.Id));

        Assert.Equal(1, _loads);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task Saving_a_change_to_an_agent_makes_the_next_run_read_it_again()
    {
        var agent = await _database.AddAgentAsync();
        var cache = new ReferenceDataCache(new PlainProtector(), _time);
        await cache.AgentAsync(agent.Id, () => LoadAsync(agent.Id));

        agent.Update(new AgentSettings("Support", "You answer in rhymes."), DateTime.UtcNow);
        await _database.Context.SaveChangesAsync(CancellationToken.None);
        var fresh = await cache.AgentAsync(agent.Id, () => LoadAsync(agent.Id));

        Assert.Equal(2, _loads);
        Assert.Equal("You answer in rhymes.", fresh!.Prompt);
    }

    [Fact]
    public async Task Saves_that_touch_no_agent_or_number_keep_the_cache()
    {
        var agent = await _database.AddAgentAsync();
        var cache = new ReferenceDataCache(new PlainProtector(), _time);
        await cache.AgentAsync(agent.Id, () => LoadAsync(agent.Id));
        var generation = ReferenceData.Generation;

        var tracked = await _database.Context.Agents.SingleAsync(a => a.Id == agent.Id);
        _database.Context.PendingStatusUpdates.Add(PendingStatusUpdate.Keep(Guid.NewGuid(), "wamid.X", MessageStatus.Delivered, DateTime.UtcNow, null, null, DateTime.UtcNow));
        await _database.Context.SaveChangesAsync(CancellationToken.None);
        await cache.AgentAsync(agent.Id, () => LoadAsync(agent.Id));

        Assert.Equal(EntityState.Unchanged, _database.Context.Entry(tracked).State);
        Assert.Equal(generation, ReferenceData.Generation);
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task An_entry_older_than_the_maximum_age_is_read_again_for_changes_made_elsewhere()
    {
        var agent = await _database.AddAgentAsync();
        var cache = new ReferenceDataCache(new PlainProtector(), _time);
        await cache.AgentAsync(agent.Id, () => LoadAsync(agent.Id));

        _time.Advance(ReferenceDataCache.MaxAge - TimeSpan.FromSeconds(1));
        await cache.AgentAsync(agent.Id, () => LoadAsync(agent.Id));
        Assert.Equal(1, _loads);

        _time.Advance(TimeSpan.FromSeconds(2));
        await cache.AgentAsync(agent.Id, () => LoadAsync(agent.Id));
        Assert.Equal(2, _loads);
    }

    public void Dispose() => _database.Dispose();

    private async Task<Agent?> LoadAsync(Guid id)
    {
        _loads++;
        return await _database.Context.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id);
    }

    private sealed class PlainProtector : ISecretProtector
    {
        public string Protect(string secret) => secret;

        public string Unprotect(string protectedSecret) => protectedSecret;
    }
}
