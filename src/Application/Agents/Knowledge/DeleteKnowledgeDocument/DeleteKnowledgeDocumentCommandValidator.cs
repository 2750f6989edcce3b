using FluentValidation;

namespace CleanAgent.Application.Agents.Knowledge.DeleteKnowledgeDocument;

internal sealed class DeleteKnowledgeDocumentCommandValidator : AbstractValidator<DeleteKnowledgeDocumentCommand>
{
    public DeleteKnowledgeDocumentCommandValidator()
    {
        RuleFor(x => x.AgentId).NotEmpty();
        RuleFor(x => x.DocumentId).NotEmpty();
    }
}
