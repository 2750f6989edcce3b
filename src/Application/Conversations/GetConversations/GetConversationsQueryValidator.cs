using CleanAgent.Application.Common.Models;
using FluentValidation;

namespace CleanAgent.Application.Conversations.GetConversations;

internal sealed class GetConversationsQueryValidator : AbstractValidator<GetConversationsQuery>
{
    public GetConversationsQueryValidator()
    {
        RuleFor(x => x.Page).InclusiveBetween(1, PagedList.MaxPage).WithName("Page").OverridePropertyName("page");
        RuleFor(x => x.PageSize).InclusiveBetween(1, PagedList.MaxPageSize).WithName("Page size").OverridePropertyName("pageSize");
        RuleFor(x => x.Q).MaximumLength(100).WithName("Search").OverridePropertyName("q");
    }
}
