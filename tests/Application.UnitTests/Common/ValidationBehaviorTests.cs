using CleanAgent.Application.Common.Behaviors;
using FluentValidation;
using Mediator;

namespace CleanAgent.Application.UnitTests.Common;

public sealed class ValidationBehaviorTests
{
    public sealed record Ping(string? Name, int Count) : ICommand<string>;

    private sealed class NameValidator : AbstractValidator<Ping>
    {
        public NameValidator() => RuleFor(x => x.Name).NotEmpty().OverridePropertyName("name");
    }

    private sealed class CountValidator : AbstractValidator<Ping>
    {
        public CountValidator() => RuleFor(x => x.Count).GreaterThan(0).OverridePropertyName("count");
    }

    [Fact]
    public async Task Invalid_message_throws_with_the_failures_of_every_validator_and_is_not_handled()
    {
        var behavior = new ValidationBehavior<Ping, string>([new NameValidator(), new CountValidator()]);
        var handled = false;

        var error = await Assert.ThrowsAsync<ValidationException>(async () => await behavior.Handle(
            new Ping(null, 0), (_, _) => { handled = true; return ValueTask.FromResult("handled"); }, CancellationToken.None));

        Assert.Equal(["count", "name"], error.Errors.Select(e => e.PropertyName).Order().ToArray());
        Assert.False(handled);
    }

    [Fact]
    public async Task Valid_message_reaches_the_handler()
    {
        var behavior = new ValidationBehavior<Ping, string>([new NameValidator(), new CountValidator()]);

        var response = await behavior.Handle(new Ping("x", 1), (_, _) => ValueTask.FromResult("handled"), CancellationToken.None);

        Assert.Equal("handled", response);
    }

    [Fact]
    public async Task Message_without_validators_reaches_the_handler()
    {
        var behavior = new ValidationBehavior<Ping, string>([]);

        var response = await behavior.Handle(new Ping(null, 0), (_, _) => ValueTask.FromResult("handled"), CancellationToken.None);

        Assert.Equal("handled", response);
    }
}
