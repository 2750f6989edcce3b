using System.Net;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.Data.Sqlite;

namespace CleanAgent.WebApi.FunctionalTests.Security;

/// <summary>The body limit bounds bodies being read, not deliveries being stored.</summary>
public sealed class WebhookBodyGateTests(SqliteAppUnderAttack app) : DatabaseTest<SqliteAppUnderAttack>(app), IClassFixture<SqliteAppUnderAttack>
{
    [Fact]
    public async Task Deliveries_waiting_for_a_busy_database_hold_no_body_permit_and_are_all_stored()
    {
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync("106540352242931");
        using var client = App.CreateClient();

        // Another writer holds the database: every delivery below waits in its store, with its body already read.
        await using var blocker = new SqliteConnection(App.ConnectionString);
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        // Twice as many as the gate's 2 permits, sent one after the other so each is read before the next starts.
        var deliveries = new List<Task<HttpResponseMessage>>();
        for (var i = 0; i < 4; i++)
        {
            deliveries.Add(client.PostWebhookAsync(Meta.TextWebhook("106540352242931", "16315551181", $"wamid.busy{i}", $"hi {i}")));
            await Task.Delay(300);
        }

        Assert.DoesNotContain(deliveries, d => d.IsCompleted && d.Result.StatusCode == HttpStatusCode.ServiceUnavailable);
        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        var answers = await Task.WhenAll(deliveries);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        await using var connection = await App.OpenConnectionAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM \"Messages\" WHERE \"WhatsAppMessageId\" LIKE 'wamid.busy%'";
        Assert.Equal(4L, Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
