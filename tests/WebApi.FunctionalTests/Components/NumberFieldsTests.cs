using Bunit;
using CleanAgent.Application.Numbers;
using CleanAgent.WebApi.Components.Shared;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Components.Forms;

namespace CleanAgent.WebApi.FunctionalTests.Components;

public sealed class NumberFieldsTests : IDisposable
{
    private readonly BunitContext _context = new();

    private IRenderedComponent<NumberFields> RenderForm(NumberInput input, EditContext editContext) =>
        _context.Render<NumberFields>(p => p
            .Add(f => f.Input, input)
            .AddCascadingValue(editContext));

    [Fact]
    public void The_guides_fields_appear_in_its_order_each_with_a_label_and_help()
    {
        var input = new NumberInput();
        var cut = RenderForm(input, new EditContext(input));

        var labels = cut.FindAll("label.form-label").Select(l => l.TextContent.Trim()).ToList();
        // The guide's fields in the guide's order; fields the guide does not name (the templates' WABA id) come after.
        Assert.Equal(
            ["WhatsApp Number", "Display Name", "Phone Number ID", "Status", "Link to Agent", "App ID", "App Secret", "Business ID", "Access Token", "Graph API Version",
                "WhatsApp Business Account ID", "Call Hours Time Zone", "Call Hours"],
            labels);
        foreach (var label in cut.FindAll("label"))
        {
            var id = label.GetAttribute("for");
            Assert.False(string.IsNullOrEmpty(id), $"Label '{label.TextContent}' names no input.");
            var control = cut.Find($"#{id}");
            var help = control.GetAttribute("aria-describedby");
            Assert.False(string.IsNullOrEmpty(help), $"{id} has no help text.");
            Assert.NotEmpty(cut.Find($"#{help}").TextContent.Trim());
        }

        Assert.Equal("password", cut.Find("#appSecret").GetAttribute("type"));
        Assert.Equal("password", cut.Find("#accessToken").GetAttribute("type"));
    }

    [Fact]
    public void A_validator_error_appears_next_to_its_field()
    {
        var input = new NumberInput { PhoneNumber = "12" };
        var editContext = new EditContext(input);
        var store = new ValidationMessageStore(editContext);
        var cut = RenderForm(input, editContext);

        cut.InvokeAsync(() => store.Show(editContext, new ValidationException(
        [
            new ValidationFailure("phoneNumber", "'12' is not a valid phone number; write it with its country code, e.g. +1-234-567-8900."),
            new ValidationFailure("appSecret", "App Secret is needed to check that webhooks come from Meta (Settings → Basic → App Secret)."),
        ])));

        var phoneField = cut.Find("#phoneNumber").ParentElement!;
        Assert.Contains("'12' is not a valid phone number", phoneField.QuerySelector(".validation-message")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("App Secret is needed", cut.Find("#appSecret").ParentElement!.QuerySelector(".validation-message")!.TextContent, StringComparison.Ordinal);
        Assert.Null(cut.Find("#displayName").ParentElement!.QuerySelector(".validation-message"));
    }

    [Fact]
    public void An_existing_numbers_secrets_say_whether_they_are_set_never_what_they_are()
    {
        var input = new NumberInput { PhoneNumber = "+16502530000" };
        var cut = _context.Render<NumberFields>(p => p
            .Add(f => f.Input, input)
            .Add(f => f.AppSecretState, "set")
            .Add(f => f.AccessTokenState, "set (…7788)")
            .AddCascadingValue(new EditContext(input)));

        Assert.Contains("Currently set (…7788); leave empty to keep it.", cut.Find("#accessToken-help").TextContent, StringComparison.Ordinal);
        Assert.True(string.IsNullOrEmpty(cut.Find("#accessToken").GetAttribute("value")));
    }

    [Fact]
    public void Calls_toggle_and_hours_lines_become_the_commands_call_settings_and_come_back_from_a_number()
    {
        var input = new NumberInput
        {
            CallsEnabled = true,
            CallHoursTimeZone = "Europe/Rome",
            CallHours = "Mon-Fri 9:00-18:00\nFri-Mon 22:00 - 02:00\nsometimes",
        };
        var cut = RenderForm(input, new EditContext(input));
        Assert.True(cut.Find("#callsEnabled").HasAttribute("checked"));
        Assert.Equal("Europe/Rome", cut.Find("#callHoursTimeZone").GetAttribute("value"));

        var command = input.ToUpdateCommand(Guid.NewGuid());

        Assert.True(command.CallsEnabled);
        Assert.Equal("Europe/Rome", command.CallHours!.TimeZone);
        Assert.Equal(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], command.CallHours.Ranges![0].Days);
        Assert.Equal(("9:00", "18:00"), (command.CallHours.Ranges[0].From, command.CallHours.Ranges[0].To));
        Assert.Equal(["Friday", "Saturday", "Sunday", "Monday"], command.CallHours.Ranges[1].Days);
        Assert.Equal(["sometimes"], command.CallHours.Ranges[2].Days); // left for the validator to name
        Assert.Empty(new NumberInput { CallHours = " " }.ToUpdateCommand(Guid.NewGuid()).CallHours!.Ranges!); // removes them
        Assert.Null(new NumberInput().ToAddCommand().CallHours);

        var shown = NumberInput.From(new WhatsAppNumberDto(
            Guid.NewGuid(), "+390612345678", "Roma", "123", Domain.Numbers.NumberStatus.Active, false, null, null, null, null, "v24.0", null,
            true, true, null, "https://agents.example.com/api/meta-webhook", null, null, null, null, null, DateTime.UtcNow, DateTime.UtcNow,
            CallsEnabled: true,
            CallHours: new CallHoursDto("Europe/Rome", [new CallHoursRangeDto(["Monday", "Tuesday"], "09:00", "18:00")])));
        Assert.True(shown.CallsEnabled);
        Assert.Equal("Mon,Tue 09:00-18:00", shown.CallHours);
    }

    [Fact]
    public void A_call_hours_error_names_its_line_under_the_hours()
    {
        var input = new NumberInput();
        var editContext = new EditContext(input);
        var store = new ValidationMessageStore(editContext);
        var cut = RenderForm(input, editContext);

        cut.InvokeAsync(() => store.Show(editContext, new ValidationException(
        [
            new ValidationFailure("callHours.timeZone", "'Rome' is not an IANA time zone this server knows; write e.g. Europe/Rome or America/New_York."),
            new ValidationFailure("callHours.ranges[1].from", "'9am' is not a time; write it as 24-hour HH:mm, e.g. 09:00."),
        ])));

        Assert.Contains("'Rome' is not an IANA time zone", cut.Find("#callHoursTimeZone").ParentElement!.QuerySelector(".validation-message")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Line 2: '9am' is not a time; write it as 24-hour HH:mm, e.g. 09:00.", cut.Find("#callHours").ParentElement!.QuerySelector(".validation-message")!.TextContent);
    }

    public void Dispose() => _context.Dispose();
}
