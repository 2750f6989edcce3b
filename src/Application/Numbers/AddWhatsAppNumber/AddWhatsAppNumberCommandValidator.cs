using CleanAgent.Application.Common.Interfaces;
using FluentValidation;

namespace CleanAgent.Application.Numbers.AddWhatsAppNumber;

internal sealed class AddWhatsAppNumberCommandValidator : AbstractValidator<AddWhatsAppNumberCommand>
{
    public AddWhatsAppNumberCommandValidator(IApplicationDbContext db, TimeProvider time)
    {
        this.AddNumberRules(db, time);
        RuleFor(x => x.AppSecret).NotEmpty()
            .WithMessage("App Secret is needed to check that webhooks come from Meta (Settings → Basic → App Secret).")
            .WithName("App Secret").OverridePropertyName("appSecret");
    }
}
