using CleanAgent.Infrastructure.Meta;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.UnitTests.Meta;

public sealed class SendPacerTests
{
    [Fact]
    public async Task A_number_over_its_rate_waits_while_another_number_goes_ahead()
    {
        using var pacer = new SendPacer(Options.Create(new MetaOptions { MaxSendsPerSecond = 2 }));

        Assert.True(await pacer.WaitTurnAsync("111", null, CancellationToken.None));
        Assert.True(await pacer.WaitTurnAsync("111", null, CancellationToken.None));
        var third = pacer.WaitTurnAsync("111", null, CancellationToken.None).AsTask();
        var other = pacer.WaitTurnAsync("222", null, CancellationToken.None).AsTask();

        Assert.True(other.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);
        Assert.True(await other);
        Assert.True(await third);
    }

    [Fact]
    public async Task A_numbers_own_rate_overrides_the_default()
    {
        using var pacer = new SendPacer(Options.Create(new MetaOptions { MaxSendsPerSecond = 80 }));

        Assert.True(await pacer.WaitTurnAsync("111", 1, CancellationToken.None));
        var second = pacer.WaitTurnAsync("111", 1, CancellationToken.None).AsTask();
        var atDefault = pacer.WaitTurnAsync("222", null, CancellationToken.None).AsTask();

        Assert.False(second.IsCompleted);
        Assert.True(atDefault.IsCompletedSuccessfully);
        Assert.True(await second);
    }
}
