using FluentValidation;
using Mediator;
using NetArchTest.Rules;

namespace CleanAgent.Architecture.Tests;

public sealed class NamingTests
{
    [Theory]
    [InlineData(typeof(ICommandHandler<,>), "CommandHandler")]
    [InlineData(typeof(ICommandHandler<>), "CommandHandler")]
    [InlineData(typeof(IQueryHandler<,>), "QueryHandler")]
    public void Handlers_are_named_after_their_kind_and_are_not_public(Type handlerInterface, string suffix)
    {
        var handlers = Types.InAssembly(LayerTests.Application).That().ImplementInterface(handlerInterface);
        Assert.NotEmpty(handlers.GetTypes());

        LayerTests.AssertPassed(handlers.Should().HaveNameEndingWith(suffix).And().NotBePublic().GetResult());
    }

    [Fact]
    public void Validators_end_with_Validator()
    {
        var validators = Types.InAssembly(LayerTests.Application).That().Inherit(typeof(AbstractValidator<>));
        Assert.NotEmpty(validators.GetTypes());

        LayerTests.AssertPassed(validators.Should().HaveNameEndingWith("Validator").GetResult());
    }
}
