using FluentValidation;

namespace CleanAgent.Application.Sandbox.SimulateCustomerMessage;

internal sealed class SimulateCustomerMessageCommandValidator : AbstractValidator<SimulateCustomerMessageCommand>
{
    public SimulateCustomerMessageCommandValidator()
    {
        RuleFor(x => x.Text).NotEmpty().MaximumLength(4096).WithName("Message").OverridePropertyName("text");
        RuleFor(x => x.CustomerWaId).Matches("^[0-9]{6,15}\\z").When(x => !string.IsNullOrEmpty(x.CustomerWaId))
            .WithMessage("The customer's WhatsApp number is 6 to 15 digits with the country code, no + or spaces.")
            .WithName("Customer number").OverridePropertyName("customerWaId");
        RuleFor(x => x.CustomerName).MaximumLength(100).WithName("Customer name").OverridePropertyName("customerName");
    }
}
