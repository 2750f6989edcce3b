using FluentValidation;

namespace CleanAgent.Application.Agents.Knowledge.AddKnowledgeDocument;

internal sealed class AddKnowledgeDocumentCommandValidator : AbstractValidator<AddKnowledgeDocumentCommand>
{
    public AddKnowledgeDocumentCommandValidator()
    {
        RuleFor(x => x.AgentId).NotEmpty();
        RuleFor(x => x.FileName)
            .Must(n => !string.IsNullOrWhiteSpace(n) && n.Trim().Split('/', '\\')[^1].Length is > 0 and <= 260)
            .OverridePropertyName("file")
            .WithMessage("The file needs a name of at most 260 characters.");
        RuleFor(x => x.Content.Length).GreaterThan(0).OverridePropertyName("file").WithMessage("The file is empty.");
    }
}
