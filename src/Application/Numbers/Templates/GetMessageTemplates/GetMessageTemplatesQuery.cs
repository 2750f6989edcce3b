using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Numbers.Templates.GetMessageTemplates;

/// <summary>The number's message templates from Meta (its WABA: <c>wabaId</c>, else <c>businessId</c>); cached, <paramref name="Refresh"/> asks Meta again.</summary>
public sealed record GetMessageTemplatesQuery(Guid NumberId, bool Refresh = false) : IQuery<IReadOnlyList<MessageTemplateDto>>;

internal sealed class GetMessageTemplatesQueryHandler(IApplicationDbContext db, ITemplateCatalog catalog, ISecretProtector protector)
    : IQueryHandler<GetMessageTemplatesQuery, IReadOnlyList<MessageTemplateDto>>
{
    public async ValueTask<IReadOnlyList<MessageTemplateDto>> Handle(GetMessageTemplatesQuery query, CancellationToken cancellationToken)
    {
        var number = await db.WhatsAppNumbers.AsNoTracking().FirstOrDefaultAsync(n => n.Id == query.NumberId, cancellationToken)
            ?? throw new NotFoundException("WhatsAppNumber", query.NumberId);
        var templates = await catalog.LoadAsync(number, protector, query.Refresh, cancellationToken);
        return templates.Select(t => t.ToDto()).ToList();
    }
}
