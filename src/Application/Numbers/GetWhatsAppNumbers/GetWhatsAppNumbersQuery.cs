using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Numbers.GetWhatsAppNumbers;

public sealed record GetWhatsAppNumbersQuery : IQuery<IReadOnlyList<WhatsAppNumberDto>>;

internal sealed class GetWhatsAppNumbersQueryHandler(IApplicationDbContext db, IPublicUrls urls)
    : IQueryHandler<GetWhatsAppNumbersQuery, IReadOnlyList<WhatsAppNumberDto>>
{
    public async ValueTask<IReadOnlyList<WhatsAppNumberDto>> Handle(GetWhatsAppNumbersQuery query, CancellationToken cancellationToken)
    {
        var numbers = await db.WhatsAppNumbers.AsNoTracking().OrderBy(n => n.DisplayName).ToListAsync(cancellationToken);
        var webhookUrl = urls.WebhookUrl;
        return numbers.Select(n => WhatsAppNumberDto.From(n, webhookUrl)).ToList();
    }
}
