using CleanAgent.Application.Common.Interfaces;
using FluentValidation;

namespace CleanAgent.Application.Numbers.UpdateWhatsAppNumber;

internal sealed class UpdateWhatsAppNumberCommandValidator : AbstractValidator<UpdateWhatsAppNumberCommand>
{
    public UpdateWhatsAppNumberCommandValidator(IApplicationDbContext db, TimeProvider time) => this.AddNumberRules(db, time);
}
