using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Numbers.GetWhatsAppNumber;

public sealed record GetWhatsAppNumberQuery(Guid Id) : IQuery<WhatsAppNumberDto>;

internal sealed class GetWhatsAppNumberQueryHandler(IApplicationDbContext db, IPublicUrls urls) : IQueryHandler<GetWhatsAppNumberQuery, WhatsAppNumberDto>
{
    public async ValueTask<WhatsAppNumberDto> Handle(GetWhatsAppNumberQuery query, CancellationToken cancellationToken)
    {
        var number = await db.WhatsAppNumbers.AsNoTracking().FirstOrDefaultAsync(n => n.Id == query.Id, cancellationToken)
            ?? throw new NotFoundException("WhatsApp number", query.Id);
        return WhatsAppNumberDto.From(number, urls.WebhookUrl);
    }
}
