using FluentValidation;

namespace CleanAgent.Application.Agents.Knowledge.SearchKnowledge;

internal sealed class SearchKnowledgeQueryValidator : AbstractValidator<SearchKnowledgeQuery>
{
    public SearchKnowledgeQueryValidator()
    {
        RuleFor(x => x.AgentId).NotEmpty();
        RuleFor(x => x.Question).NotEmpty().WithName("q").MaximumLength(SearchKnowledgeQuery.MaxQuestionLength).WithName("q");
        RuleFor(x => x.Top).InclusiveBetween(1, SearchKnowledgeQuery.MaxTop).WithName("top");
    }
}
