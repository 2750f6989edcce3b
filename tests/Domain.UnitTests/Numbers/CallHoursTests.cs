using CleanAgent.Domain.Numbers;

namespace CleanAgent.Domain.UnitTests.Numbers;

public sealed class CallHoursTests
{
    private static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    private static CallHours OfficeHoursInRome() => CallHours.Create("Europe/Rome", [new CallHoursRange(Weekdays, new TimeOnly(9, 0), new TimeOnly(18, 0))]);

    [Theory]
    [InlineData("2026-12-02T07:59:00Z", false)] // Wednesday 08:59 in Rome (UTC+1)
    [InlineData("2026-12-02T08:00:00Z", true)] // 09:00 opens
    [InlineData("2026-12-02T16:59:00Z", true)]
    [InlineData("2026-12-02T17:00:00Z", false)] // 18:00 is closed: the end is exclusive
    [InlineData("2026-12-05T10:00:00Z", false)] // Saturday
    [InlineData("2026-07-01T07:30:00Z", true)] // summer time (UTC+2): 09:30 in Rome
    [InlineData("2026-07-01T16:30:00Z", false)] // 18:30 in Rome
    public void Office_hours_follow_the_time_zone_and_its_daylight_saving(string utc, bool open) =>
        Assert.Equal(open, OfficeHoursInRome().IsOpenAt(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2026-12-04T23:30:00Z", true)] // Friday 23:30 in UTC
    [InlineData("2026-12-05T01:59:00Z", true)] // Saturday 01:59: still Friday night
    [InlineData("2026-12-05T02:00:00Z", false)]
    [InlineData("2026-12-05T23:30:00Z", false)] // Saturday night is not in the range
    [InlineData("2026-12-04T01:00:00Z", false)] // Friday 01:00 belongs to Thursday night
    public void A_range_past_midnight_belongs_to_the_day_it_starts(string utc, bool open)
    {
        var hours = CallHours.Create("UTC", [new CallHoursRange([DayOfWeek.Friday], new TimeOnly(22, 0), new TimeOnly(2, 0))]);

        Assert.Equal(open, hours.IsOpenAt(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void A_number_without_call_hours_takes_calls_at_any_time_and_one_with_them_only_within()
    {
        var settings = new WhatsAppNumberSettings(CleanAgent.Domain.Common.PhoneNumber.Parse("+39 06 1234 5678"), "Roma", "123", NumberStatus.Active, null, null, null, null, CallsEnabled: true);
        var number = WhatsAppNumber.Add(settings, DateTime.UtcNow);
        var saturday = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        Assert.True(number.TakesCallsAt(saturday));

        number.Update(settings with { CallHours = OfficeHoursInRome() }, DateTime.UtcNow);

        Assert.False(number.TakesCallsAt(saturday));
        Assert.True(number.TakesCallsAt(saturday.AddDays(-3)));
    }

    [Fact]
    public void Days_and_times_read_as_people_write_them()
    {
        Assert.True(CallHours.TryParseDay("mon", out var monday));
        Assert.Equal(DayOfWeek.Monday, monday);
        Assert.True(CallHours.TryParseDay("Sunday", out var sunday));
        Assert.Equal(DayOfWeek.Sunday, sunday);
        Assert.False(CallHours.TryParseDay("Mo", out _));
        Assert.False(CallHours.TryParseDay("1", out _));
        Assert.True(CallHours.TryParseTime("9:05", out var time));
        Assert.Equal(new TimeOnly(9, 5), time);
        Assert.False(CallHours.TryParseTime("24:00", out _));
        Assert.False(CallHours.TryParseTime("9am", out _));
        Assert.Equal("Mon,Tue,Wed,Thu,Fri 09:00-18:00 (Europe/Rome)", OfficeHoursInRome().ToString());
    }

    [Fact]
    public void Unknown_zones_and_empty_ranges_are_refused()
    {
        Assert.Throws<ArgumentException>(() => CallHours.Create("Mars/Olympus", [new CallHoursRange(Weekdays, new TimeOnly(9, 0), new TimeOnly(18, 0))]));
        Assert.Throws<ArgumentException>(() => CallHours.Create("UTC", []));
        Assert.Throws<ArgumentException>(() => CallHours.Create("UTC", [new CallHoursRange(Weekdays, new TimeOnly(9, 0), new TimeOnly(9, 0))]));
        Assert.Throws<ArgumentException>(() => CallHours.Create("UTC", [new CallHoursRange([], new TimeOnly(9, 0), new TimeOnly(10, 0))]));
    }
}
