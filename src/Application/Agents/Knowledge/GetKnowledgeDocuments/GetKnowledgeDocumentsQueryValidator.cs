using FluentValidation;

namespace CleanAgent.Application.Agents.Knowledge.GetKnowledgeDocuments;

internal sealed class GetKnowledgeDocumentsQueryValidator : AbstractValidator<GetKnowledgeDocumentsQuery>
{
    public GetKnowledgeDocumentsQueryValidator() => RuleFor(x => x.AgentId).NotEmpty();
}
