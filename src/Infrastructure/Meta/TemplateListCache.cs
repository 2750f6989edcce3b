using CleanAgent.Application.Numbers.Templates;
using Microsoft.Extensions.Caching.Memory;

namespace CleanAgent.Infrastructure.Meta;

/// <summary>
/// Each number's template list for ten minutes, or until a template webhook for its account says a template changed
/// (then this instance asks Meta again at the next listing; another instance of the service at the latest after ten minutes).
/// </summary>
internal sealed class TemplateListCache(IMemoryCache cache) : ITemplateListCache
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);

    public IReadOnlyList<TemplateInfo>? Find(TemplateAccount account) =>
        cache.TryGetValue(Key(account.NumberId), out Entry? entry) && entry is not null && entry.AccountId == account.AccountId ? entry.Templates : null;

    public void Keep(TemplateAccount account, IReadOnlyList<TemplateInfo> templates) =>
        cache.Set(Key(account.NumberId), new Entry(account.AccountId, templates), CacheFor);

    public void Forget(Guid numberId) => cache.Remove(Key(numberId));

    private static (string, Guid) Key(Guid numberId) => ("templates", numberId);

    private sealed record Entry(string AccountId, IReadOnlyList<TemplateInfo> Templates);
}
