using CleanAgent.Application.Numbers.AddWhatsAppNumber;
using CleanAgent.Application.Numbers.UpdateWhatsAppNumber;

namespace CleanAgent.Application.UnitTests.Numbers;

public sealed class NumberCommandPrintingTests
{
    [Fact]
    public void Printed_add_command_hides_the_secrets_and_the_phone_number()
    {
        var command = new AddWhatsAppNumberCommand("+1-234-567-8900", "Support", "123456", AppSecret: "the-app-secret", AccessToken: "fake-the-token");

        var printed = command.ToString();

        Assert.Contains("PhoneNumberId = 123456", printed, StringComparison.Ordinal);
        Assert.Contains("AppSecretGiven = True", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("the-app-secret", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("the-token", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("567-8900", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void Printed_update_command_hides_the_secrets()
    {
        var command = new UpdateWhatsAppNumberCommand("+1-234-567-8900", "Support", "123456", AppSecret: "the-app-secret", AccessToken: "fake-the-token");

        var printed = command.ToString();

        Assert.StartsWith("UpdateWhatsAppNumberCommand {", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("the-app-secret", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("the-token", printed, StringComparison.Ordinal);
    }
}
