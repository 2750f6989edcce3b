namespace CleanAgent.Application.Common.Models;

/// <summary>One page of a list that can grow without bound; every such list is paged with <c>page</c> and <c>pageSize</c>.</summary>
/// <param name="Items">The page's items.</param>
/// <param name="Page">The page, from 1.</param>
/// <param name="PageSize">The most items on a page.</param>
/// <param name="TotalCount">Items on all pages together.</param>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount)
{
    /// <summary>Pages there are at this page size.</summary>
    public int TotalPages => PageSize == 0 ? 0 : (TotalCount + PageSize - 1) / PageSize;
}

public static class PagedList
{
    /// <summary>The largest <c>pageSize</c> any paged list accepts.</summary>
    public const int MaxPageSize = 200;

    /// <summary>
    /// The largest <c>page</c> any paged list accepts: far past any real list, and small enough that the offset
    /// (<c>(page - 1) * pageSize</c>) cannot overflow.
    /// </summary>
    public const int MaxPage = 1_000_000;
}
