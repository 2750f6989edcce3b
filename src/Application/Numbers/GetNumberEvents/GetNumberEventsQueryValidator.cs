using FluentValidation;

namespace CleanAgent.Application.Numbers.GetNumberEvents;

internal sealed class GetNumberEventsQueryValidator : AbstractValidator<GetNumberEventsQuery>
{
    public GetNumberEventsQueryValidator()
    {
        RuleFor(x => x.Page).GreaterThanOrEqualTo(1).WithName("Page").OverridePropertyName("page");
        RuleFor(x => x.PageSize).InclusiveBetween(1, 200).WithName("Page size").OverridePropertyName("pageSize");
    }
}
