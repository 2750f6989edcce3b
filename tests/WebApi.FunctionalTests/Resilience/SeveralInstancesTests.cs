using CleanAgent.WebApi.FunctionalTests.Support;
using Xunit.Abstractions;

namespace CleanAgent.WebApi.FunctionalTests.Resilience;

/// <summary>Two CleanAgent processes on one PostgreSQL database, sharing Hangfire's queue.</summary>
public sealed class SeveralInstancesTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Every_message_delivered_to_both_instances_is_answered_once()
    {
        PostgresServer.Require();
        const int messages = 300;
        await using var rig = await ProcessRig.CreateAsync(TestDatabase.PostgreSql, llmDelay: TimeSpan.FromMilliseconds(100));
        var instances = new[] { await rig.StartInstanceAsync(), await rig.StartInstanceAsync() };
        await ProcessRig.AddNumberAsync(instances[0]);

        var clients = instances.Select(i => i.CreateClient()).ToList();
        var customers = await MetaDelivery.DeliverAsync(clients, Enumerable.Range(1, messages));
        clients.ForEach(c => c.Dispose());
        Assert.Equal(messages, customers.Count);

        var took = await rig.Ledger.WaitUntilSettledAsync(customers);

        var tally = await rig.Ledger.TallyAsync(customers);
        tally.Report(output, "two instances, every delivery to both", $"settled {took.TotalSeconds:0.0} s after the last 200");
        tally.AssertNothingLost();
    }

    [SkippableFact]
    public async Task When_one_instance_is_killed_mid_burst_the_other_answers_everything_acknowledged()
    {
        PostgresServer.Require();
        const int messages = 200;
        const int leaseSeconds = 15;
        await using var rig = await ProcessRig.CreateAsync(TestDatabase.PostgreSql, llmDelay: TimeSpan.FromMilliseconds(300), new Dictionary<string, string>
        {
            ["WhatsApp__LeaseSeconds"] = leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WhatsApp__SweepIntervalSeconds"] = "2",
            ["WhatsApp__SweepGraceSeconds"] = "5",
        });
        var victim = await rig.StartInstanceAsync();
        var survivor = await rig.StartInstanceAsync();
        await ProcessRig.AddNumberAsync(survivor);

        var clients = new[] { victim.CreateClient(), survivor.CreateClient() };
        var killedAt = DateTime.MinValue;
        var sentBeforeKill = 0;
        IReadOnlyList<string> heldAtKill = [];
        var kill = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killer = Task.Run(async () =>
        {
            await kill.Task;
            victim.Kill();
            killedAt = DateTime.UtcNow;
            sentBeforeKill = rig.Graph.Accepted.Count;
            heldAtKill = await rig.LeasedCustomersAsync();
        });

        var customers = await MetaDelivery.DeliverAsync(clients, Enumerable.Range(1, messages), acknowledged: n =>
        {
            if (n == messages / 2)
            {
                kill.TrySetResult();
            }
        });
        await killer;
        foreach (var client in clients)
        {
            client.Dispose();
        }

        Assert.Equal(messages, customers.Count);
        await rig.Ledger.WaitUntilSettledAsync(customers);
        var takeover = rig.Graph.Accepted.Max(s => s.At) - killedAt;

        // The conversations held at the kill include the dead instance's: they wait for its lease to run out.
        var held = heldAtKill.ToHashSet(StringComparer.Ordinal);
        var heldAnswered = rig.Graph.Accepted.Where(s => held.Contains(s.To)).Select(s => s.At).DefaultIfEmpty(killedAt).Max() - killedAt;

        var tally = await rig.Ledger.TallyAsync(customers);
        tally.Report(output, "one of two instances killed mid-burst",
            $"sent before the kill {sentBeforeKill}, {held.Count} conversation(s) held at the kill answered within {heldAnswered.TotalSeconds:0.0} s, "
            + $"all answered {takeover.TotalSeconds:0.0} s after the kill (lease {leaseSeconds} s, sweep every 2 s)");
        tally.AssertNothingLost(allowedDuplicates: ProcessRig.RepliesInFlightAtMost);
    }
}
