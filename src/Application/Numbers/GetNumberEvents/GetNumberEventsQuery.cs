using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Common.Models;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Numbers.GetNumberEvents;

/// <summary>A number's account, quality and template-status events (and webhook fields stored raw), the newest first.</summary>
public sealed record GetNumberEventsQuery(Guid WhatsAppNumberId, int Page = 1, int PageSize = 20) : IQuery<PagedList<NumberEventDto>>;

/// <param name="Event">The event word of the value (e.g. <c>APPROVED</c>, <c>FLAGGED</c>), when it names one.</param>
/// <param name="Value">The change's value exactly as Meta sent it.</param>
public sealed record NumberEventDto(Guid Id, string Field, string? Event, string Value, DateTime ReceivedAt);

internal sealed class GetNumberEventsQueryHandler(IApplicationDbContext db) : IQueryHandler<GetNumberEventsQuery, PagedList<NumberEventDto>>
{
    public async ValueTask<PagedList<NumberEventDto>> Handle(GetNumberEventsQuery query, CancellationToken cancellationToken)
    {
        if (!await db.WhatsAppNumbers.AnyAsync(n => n.Id == query.WhatsAppNumberId, cancellationToken))
        {
            throw new NotFoundException("WhatsApp number", query.WhatsAppNumberId);
        }

        var events = db.NumberEvents.AsNoTracking().Where(e => e.WhatsAppNumberId == query.WhatsAppNumberId);
        var total = await events.CountAsync(cancellationToken);
        var items = await events
            .OrderByDescending(e => e.ReceivedAt).ThenByDescending(e => e.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .Select(e => new NumberEventDto(e.Id, e.Field, e.Event, e.RawJson, e.ReceivedAt))
            .ToListAsync(cancellationToken);
        return new PagedList<NumberEventDto>(items, query.Page, query.PageSize, total);
    }
}
