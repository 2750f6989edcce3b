using CleanAgent.Application.Numbers;
using CleanAgent.Application.Numbers.AddWhatsAppNumber;
using CleanAgent.Application.Numbers.UpdateWhatsAppNumber;
using CleanAgent.Application.UnitTests.Support;
using FluentValidation.Results;
using Microsoft.Extensions.Time.Testing;

namespace CleanAgent.Application.UnitTests.Numbers;

public sealed class WhatsAppNumberValidatorTests : IDisposable
{
    private readonly SqliteDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 9, 1, 12, 0, 0, TimeSpan.Zero));

    private static AddWhatsAppNumberCommand ValidAdd() => new(
        PhoneNumber: "+1-234-567-8900",
        DisplayName: "Support line",
        PhoneNumberId: "123456789012345",
        Status: "Active",
        AppId: "987654321",
        AppSecret: "app-secret",
        BusinessId: "555666777",
        AccessToken: "fake-token-1234",
        GraphApiVersion: "v24.0");

    private static UpdateWhatsAppNumberCommand ValidUpdate() => new(
        PhoneNumber: "+1-234-567-8900",
        DisplayName: "Support line",
        PhoneNumberId: "123456789012345");

    private Task<ValidationResult> ValidateAsync(AddWhatsAppNumberCommand command) =>
        new AddWhatsAppNumberCommandValidator(_database.Context, _time).ValidateAsync(command);

    private Task<ValidationResult> ValidateAsync(UpdateWhatsAppNumberCommand command) =>
        new UpdateWhatsAppNumberCommandValidator(_database.Context, _time).ValidateAsync(command);

    private static string[] Fields(ValidationResult result) => result.Errors.Select(e => e.PropertyName).Distinct().Order().ToArray();

    [Fact]
    public async Task A_complete_number_is_valid()
    {
        var result = await ValidateAsync(ValidAdd());

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public async Task Only_phone_number_display_name_phone_number_id_and_app_secret_are_required_to_add()
    {
        var result = await ValidateAsync(new AddWhatsAppNumberCommand("12345678900", "Support", "123", AppSecret: "s"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public async Task Missing_fields_are_named_in_camel_case()
    {
        var result = await ValidateAsync(new AddWhatsAppNumberCommand(null, null, null));

        Assert.Equal(["appSecret", "displayName", "phoneNumber", "phoneNumberId"], Fields(result));
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("not a number")]
    [InlineData("+1-000-000-0000")]
    public async Task Invalid_phone_number_is_refused(string phoneNumber)
    {
        var result = await ValidateAsync(ValidAdd() with { PhoneNumber = phoneNumber });

        Assert.Equal(["phoneNumber"], Fields(result));
        Assert.Contains("country code", result.Errors[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12345abc")]
    [InlineData("+123456")]
    [InlineData("123 456")]
    [InlineData("123456789012345678901234567890123")]
    [InlineData("123456\n")]
    [InlineData("123456\r\n")]
    public async Task Phone_number_id_must_be_digits(string phoneNumberId)
    {
        var result = await ValidateAsync(ValidAdd() with { PhoneNumberId = phoneNumberId });

        Assert.Equal(["phoneNumberId"], Fields(result));
    }

    [Theory]
    [InlineData("BusinessId", "12a", "businessId")]
    [InlineData("AppId", "app-1", "appId")]
    [InlineData("BusinessId", "123\n", "businessId")]
    [InlineData("AppId", "123\n", "appId")]
    [InlineData("WabaId", "102290129340398\n", "wabaId")]
    public async Task Business_and_app_ids_must_be_digits_when_given(string property, string value, string field)
    {
        var command = property switch
        {
            "BusinessId" => ValidAdd() with { BusinessId = value },
            "WabaId" => ValidAdd() with { WabaId = value },
            _ => ValidAdd() with { AppId = value },
        };

        var result = await ValidateAsync(command);

        Assert.Equal([field], Fields(result));
    }

    [Theory]
    [InlineData("Paused")]
    [InlineData("1")]
    [InlineData("Active, Inactive")]
    [InlineData("Inactive,Active")]
    [InlineData("-1")]
    [InlineData("")]
    public async Task Status_must_be_active_or_inactive(string status)
    {
        var result = await ValidateAsync(ValidAdd() with { Status = status });

        Assert.Equal(["status"], Fields(result));
    }

    [Theory]
    [InlineData("active")]
    [InlineData("Inactive")]
    [InlineData(null)]
    public async Task Status_words_are_accepted_in_any_case_or_left_out(string? status)
    {
        var result = await ValidateAsync(ValidAdd() with { Status = status });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Theory]
    [InlineData("24.0")]
    [InlineData("v24")]
    [InlineData("version 24")]
    public async Task Ill_formed_graph_api_version_is_refused(string version)
    {
        var result = await ValidateAsync(ValidAdd() with { GraphApiVersion = version });

        Assert.Equal(["graphApiVersion"], Fields(result));
    }

    [Fact]
    public async Task V20_is_accepted_on_the_day_before_it_expires()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 9, 23, 23, 59, 0, TimeSpan.Zero));

        var result = await ValidateAsync(ValidAdd() with { GraphApiVersion = "v20.0" });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public async Task V20_is_refused_from_the_day_it_expires()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 9, 24, 0, 0, 0, TimeSpan.Zero));

        var result = await ValidateAsync(ValidAdd() with { GraphApiVersion = "v20.0" });

        Assert.Equal(["graphApiVersion"], Fields(result));
        Assert.Contains("expired", result.Errors[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_agent_is_refused()
    {
        var result = await ValidateAsync(ValidAdd() with { AgentId = Guid.NewGuid() });

        Assert.Equal(["agentId"], Fields(result));
    }

    [Fact]
    public async Task Existing_agent_is_accepted()
    {
        var agent = await _database.AddAgentAsync();

        var result = await ValidateAsync(ValidAdd() with { AgentId = agent.Id });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public async Task Update_may_leave_the_secrets_out()
    {
        var result = await ValidateAsync(ValidUpdate());

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public async Task Update_applies_the_same_field_rules_as_add()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 9, 24, 0, 0, 0, TimeSpan.Zero));

        var result = await ValidateAsync(ValidUpdate() with
        {
            PhoneNumber = "12345",
            PhoneNumberId = "abc",
            BusinessId = "x",
            Status = "Paused",
            GraphApiVersion = "v20.0",
            AgentId = Guid.NewGuid(),
        });

        Assert.Equal(["agentId", "businessId", "graphApiVersion", "phoneNumber", "phoneNumberId", "status"], Fields(result));
    }

    public void Dispose() => _database.Dispose();
    [Fact]
    public async Task Call_hours_with_a_known_zone_days_and_times_are_valid()
    {
        var hours = new CallHoursDto("Europe/Rome", [new CallHoursRangeDto(["Monday", "tue", "Wed"], "09:00", "18:00"), new CallHoursRangeDto(["Fri"], "22:00", "2:00")]);

        var result = await ValidateAsync(ValidAdd() with { CallHours = hours });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public async Task Call_hours_mistakes_are_each_named_by_their_path()
    {
        var hours = new CallHoursDto("Mars/Olympus", [
            new CallHoursRangeDto(["Monday"], "09:00", "18:00"),
            new CallHoursRangeDto(["Funday"], "9am", "25:00"),
            new CallHoursRangeDto([], "10:00", "10:00"),
        ]);

        var result = await ValidateAsync(ValidUpdate() with { CallHours = hours });

        Assert.Equal(
            ["callHours.ranges[1].days", "callHours.ranges[1].from", "callHours.ranges[1].to", "callHours.ranges[2].days", "callHours.ranges[2].to", "callHours.timeZone"],
            Fields(result));
        Assert.Contains(result.Errors, e => e.ErrorMessage.Contains("'Funday' is not a day", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.ErrorMessage.Contains("'Mars/Olympus' is not an IANA time zone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Call_hours_without_ranges_are_valid_and_mean_any_time()
    {
        var result = await ValidateAsync(ValidUpdate() with { CallHours = new CallHoursDto(null, []) });

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Null(new CallHoursDto(null, []).ToDomain());
    }
}
