using CleanAgent.Application.Numbers.Templates;
using CleanAgent.Application.Numbers.Templates.SendTemplate;

namespace CleanAgent.Application.UnitTests.Numbers;

/// <summary>What a template send must name before anything reaches Meta, and how a template's placeholders are read.</summary>
public sealed class TemplateRulesTests
{
    private static SendTemplateCommand Send(string? to = "+4915112345678", Guid? conversationId = null, string? name = "order_update") =>
        new(Guid.NewGuid(), to, conversationId, name, "de", ["Ana"], null, "api");

    [Fact]
    public void A_phone_number_or_a_conversation_names_the_recipient()
    {
        var validator = new SendTemplateCommandValidator();

        Assert.True(validator.Validate(Send()).IsValid);
        Assert.True(validator.Validate(Send(to: null, conversationId: Guid.NewGuid())).IsValid);
        Assert.Equal("to", Assert.Single(validator.Validate(Send(to: null)).Errors).PropertyName);
        Assert.Equal("to", Assert.Single(validator.Validate(Send(conversationId: Guid.NewGuid())).Errors).PropertyName);
    }

    [Theory]
    [InlineData("12", "E.164")]
    [InlineData("US.13491208655302741918", "BSUID")]
    public void A_recipient_that_is_no_phone_number_is_refused_saying_why(string to, string says)
    {
        var error = Assert.Single(new SendTemplateCommandValidator().Validate(Send(to)).Errors);

        Assert.Equal("to", error.PropertyName);
        Assert.Contains(says, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_needs_a_name()
    {
        Assert.Equal("templateName", Assert.Single(new SendTemplateCommandValidator().Validate(Send(name: "")).Errors).PropertyName);
    }

    [Theory]
    [InlineData("Hallo {{1}}, Ihre Bestellung {{2}} ist unterwegs. Danke, {{1}}!", new[] { "1", "2" })]
    [InlineData("Hi {{ first_name }}, your code is {{code}}", new[] { "first_name", "code" })]
    [InlineData("No values here.", new string[0])]
    public void Placeholders_are_read_in_order_once_each(string text, string[] expected)
    {
        Assert.Equal(expected, TemplateText.Placeholders(text));
    }
}
