using CleanAgent.WebApi.FunctionalTests.Support;
using Xunit.Abstractions;

namespace CleanAgent.WebApi.FunctionalTests.Resilience;

/// <summary>SQLite with in-memory Hangfire: the queue dies with the process, the database says what is owed.</summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Messages = 120;

    [SkippableFact]
    public async Task Messages_acknowledged_before_a_kill_are_answered_once_after_a_restart()
    {
        await using var rig = await ProcessRig.CreateAsync(TestDatabase.Sqlite, llmDelay: TimeSpan.FromMilliseconds(400), new Dictionary<string, string>
        {
            ["WhatsApp__SweepIntervalSeconds"] = "1",
            ["WhatsApp__SweepGraceSeconds"] = "2",
        });
        var first = await rig.StartInstanceAsync();
        await ProcessRig.AddNumberAsync(first);

        IReadOnlyCollection<string> customers;
        using (var meta = first.CreateClient())
        {
            customers = await MetaDelivery.DeliverAsync([meta], Enumerable.Range(1, Messages));
        }

        first.Kill();
        var sentBeforeKill = rig.Graph.Accepted.Count;
        Assert.Equal(Messages, customers.Count);

        await rig.StartInstanceAsync();
        var took = await rig.Ledger.WaitUntilSettledAsync(customers);

        var tally = await rig.Ledger.TallyAsync(customers);
        tally.Report(output, "kill -9 after the last 200, restart", $"sent before the kill {sentBeforeKill}, all answered {took.TotalSeconds:0.0} s after the restart");
        tally.AssertNothingLost(allowedDuplicates: ProcessRig.RepliesInFlightAtMost);
    }
}
