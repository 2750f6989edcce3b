using CleanAgent.Domain.Common;

namespace CleanAgent.Domain.UnitTests.Common;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("+1-234-567-8900", "+12345678900")]
    [InlineData("+1 (234) 567-8900", "+12345678900")]
    [InlineData("  +44 20 7946 0958 ", "+442079460958")]
    [InlineData("+49 30 901820", "+4930901820")]
    public void Written_forms_are_normalised_to_E164(string input, string expected)
    {
        Assert.True(PhoneNumber.TryParse(input, out var number));
        Assert.Equal(expected, number!.Value);
        Assert.Equal(expected, PhoneNumber.Parse(input).Value);
    }

    [Theory]
    [InlineData("12345678900", "+12345678900")]
    [InlineData("447946095800", "+447946095800")]
    [InlineData("5511987654321", "+5511987654321")]
    public void WhatsApp_ids_without_plus_are_read_with_their_country_code(string waId, string expected)
    {
        Assert.True(PhoneNumber.TryParse(waId, out var number));
        Assert.Equal(expected, number!.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("12345")]
    [InlineData("+1-000-000-0000")]
    [InlineData("+999 1234 5678")]
    [InlineData("+1-234-567-8900-1234-5678")]
    public void Invalid_numbers_are_refused(string? input)
    {
        Assert.False(PhoneNumber.TryParse(input, out var number));
        Assert.Null(number);
        var error = Assert.Throws<DomainException>(() => PhoneNumber.Parse(input));
        Assert.Equal("phoneNumber", error.Field);
    }

    [Fact]
    public void Equal_numbers_written_differently_are_equal()
    {
        Assert.Equal(PhoneNumber.Parse("+1-234-567-8900"), PhoneNumber.Parse("12345678900"));
    }

    [Fact]
    public void Masked_form_shows_only_the_last_four_digits()
    {
        var number = PhoneNumber.Parse("+1-234-567-8900");

        Assert.Equal("********8900", number.Masked);
        Assert.DoesNotContain("234567", number.Masked, StringComparison.Ordinal);
    }
}
