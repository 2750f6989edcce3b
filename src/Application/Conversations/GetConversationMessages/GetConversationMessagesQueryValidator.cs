using CleanAgent.Application.Common.Models;
using FluentValidation;

namespace CleanAgent.Application.Conversations.GetConversationMessages;

internal sealed class GetConversationMessagesQueryValidator : AbstractValidator<GetConversationMessagesQuery>
{
    public GetConversationMessagesQueryValidator()
    {
        RuleFor(x => x.Page).InclusiveBetween(1, PagedList.MaxPage).WithName("Page").OverridePropertyName("page");
        RuleFor(x => x.PageSize).InclusiveBetween(1, PagedList.MaxPageSize).WithName("Page size").OverridePropertyName("pageSize");
    }
}
