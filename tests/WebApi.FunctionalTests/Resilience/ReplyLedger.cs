using System.Data.Common;
using CleanAgent.WebApi.FunctionalTests.Support;
using Xunit.Abstractions;

namespace CleanAgent.WebApi.FunctionalTests.Resilience;

/// <summary>
/// Compares what customers received (at the fake Graph API) with what the database recorded, from
/// outside the app: nothing acknowledged may go unanswered, and no message may be answered twice.
/// </summary>
public sealed class ReplyLedger(Func<Task<DbConnection>> open, FakeGraph graph)
{
    /// <summary>True once every customer has an answer that the database recorded as sent and nothing is owed any more.</summary>
    public async Task<bool> SettledAsync(IReadOnlyCollection<string> customers)
    {
        await using var connection = await open();
        if (await ScalarAsync(connection, """SELECT COUNT(*) FROM "Conversations" WHERE "ReplyPending" = TRUE""") > 0
            || await ScalarAsync(connection, """SELECT COUNT(*) FROM "Messages" WHERE "Direction" = 'Outbound' AND "Status" = 'Pending'""") > 0)
        {
            return false;
        }

        var committed = await CommittedAsync(connection);
        var answered = graph.Accepted.Where(s => committed.Contains(s.WhatsAppMessageId)).Select(s => s.To).ToHashSet(StringComparer.Ordinal);
        return customers.All(answered.Contains);
    }

    /// <summary>Waits (bounded) until <see cref="SettledAsync"/>, then a moment more so a late second send would show.</summary>
    public async Task<TimeSpan> WaitUntilSettledAsync(IReadOnlyCollection<string> customers, int seconds = 120)
    {
        var started = DateTime.UtcNow;
        await ReplyTestApp.EventuallyAsync(() => SettledAsync(customers), $"all {customers.Count} acknowledged messages answered", seconds);
        var took = DateTime.UtcNow - started;
        await Task.Delay(TimeSpan.FromSeconds(2));
        return took;
    }

    public async Task<ReplyTally> TallyAsync(IReadOnlyCollection<string> customers)
    {
        await using var connection = await open();
        var committed = await CommittedAsync(connection);
        var sends = graph.Accepted;
        var perCustomer = sends.GroupBy(s => s.To, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return new ReplyTally(
            Acknowledged: customers.Count,
            Answered: customers.Count(perCustomer.ContainsKey),
            Sends: sends.Count,
            Duplicates: perCustomer.Values.Sum(s => s.Count - 1),
            UnrecordedSends: sends.Count(s => !committed.Contains(s.WhatsAppMessageId)),
            Unanswered: customers.Where(c => !perCustomer.ContainsKey(c)).ToList(),
            AnsweredTwiceOnRecord: perCustomer.Where(p => p.Value.Count(s => committed.Contains(s.WhatsAppMessageId)) > 1).Select(p => p.Key).ToList());
    }

    private static async Task<HashSet<string>> CommittedAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "WhatsAppMessageId" FROM "Messages" WHERE "Direction" = 'Outbound' AND "WhatsAppMessageId" IS NOT NULL""";
        var wamids = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            wamids.Add(reader.GetString(0));
        }

        return wamids;
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// What the customers saw. <see cref="UnrecordedSends"/> are sends Meta accepted whose wamid never
/// reached the database: the documented window (the process died, or lost the database, between
/// Meta's answer and the commit), the only way a customer can get an answer twice.
/// </summary>
public sealed record ReplyTally(
    int Acknowledged, int Answered, int Sends, int Duplicates, int UnrecordedSends, IReadOnlyList<string> Unanswered, IReadOnlyList<string> AnsweredTwiceOnRecord)
{
    public void Report(ITestOutputHelper output, string scenario, string? extra = null) =>
        output.WriteLine($"{scenario}: acknowledged {Acknowledged}, answered {Answered}, sends {Sends}, duplicates {Duplicates} (unrecorded sends {UnrecordedSends}){(extra is null ? "" : ", " + extra)}");

    /// <summary>Every acknowledged message answered, none answered twice on record, and duplicates only from the documented window, at most <paramref name="allowedDuplicates"/>.</summary>
    public void AssertNothingLost(int allowedDuplicates = 0)
    {
        Assert.True(Unanswered.Count == 0, $"{Unanswered.Count} acknowledged message(s) never answered, e.g. {string.Join(", ", Unanswered.Take(5))}");
        Assert.True(AnsweredTwiceOnRecord.Count == 0, $"answered twice with both sends recorded (not the documented window): {string.Join(", ", AnsweredTwiceOnRecord.Take(5))}");
        Assert.True(Duplicates <= UnrecordedSends, $"{Duplicates} duplicate(s) but only {UnrecordedSends} unrecorded send(s)");
        Assert.True(Duplicates <= allowedDuplicates, $"{Duplicates} duplicate answer(s), at most {allowedDuplicates} allowed");
    }
}
