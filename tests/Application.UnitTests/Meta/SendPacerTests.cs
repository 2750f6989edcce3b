using CleanAgent.Infrastructure.Meta;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.UnitTests.Meta;

public sealed class SendPacerTests
{
    [Fact]
    public async Task A_number_over_its_rate_waits_while_another_number_goes_ahead()
    {
        using var pacer = new SendPacer(Options.Create(new MetaOptions { MaxSendsPerSecond = 2 }));

        Assert.True(await pacer.WaitTurnAsync("111", CancellationToken.None));
        Assert.True(await pacer.WaitTurnAsync("111", CancellationToken.None));
        var third = pacer.WaitTurnAsync("111", CancellationToken.None).AsTask();
        var other = pacer.WaitTurnAsync("222", CancellationToken.None).AsTask();

        Assert.True(other.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);
        Assert.True(await other);
        Assert.True(await third);
    }
}
