using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanAgent.Application.Webhooks;
using CleanAgent.Application.Webhooks.ReceiveMetaWebhook;
using CleanAgent.Infrastructure.Meta.Webhooks;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.WebApi.FunctionalTests.Webhooks;

/// <summary>Concurrent deliveries are stored together (group commit); each still gets its own answer.</summary>
public abstract class GroupCommitTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    private const string NumberId = "106540352242922";
    private const string OtherNumberId = "206540352242922";

    [SkippableFact]
    public async Task Many_concurrent_deliveries_are_all_stored_and_each_gets_its_own_receipt()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        using var client = App.CreateClient();
        var deliveries = Enumerable.Range(0, 60)
            .Select(i => (Messages: i % 3 + 1, Json: Webhook(NumberId, $"1631555{i % 7:0000}", Enumerable.Range(0, i % 3 + 1).Select(m => $"wamid.many.{i}.{m}").ToArray())))
            .ToList();

        var responses = await Task.WhenAll(deliveries.Select(d => client.PostWebhookAsync(d.Json)));

        for (var i = 0; i < deliveries.Count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, responses[i].StatusCode);
            var receipt = await responses[i].Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(deliveries[i].Messages, receipt.GetProperty("messagesStored").GetInt32());
            Assert.Equal(0, receipt.GetProperty("duplicates").GetInt32());
        }

        Assert.Equal(deliveries.Sum(d => d.Messages), await App.WithDbAsync(db => db.Messages.CountAsync()));
        Assert.Equal(7, await App.WithDbAsync(db => db.Conversations.CountAsync()));
        Assert.Equal(deliveries.Sum(d => d.Messages), await App.WithDbAsync(db => db.Conversations.SumAsync(c => c.InboundCount)));
    }

    [SkippableFact]
    public async Task Deliveries_stored_together_count_as_if_one_after_the_other()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        var first = await DeliveryAsync(Webhook(NumberId, "16315551181", "wamid.t1", "wamid.t2"));
        var overlapping = await DeliveryAsync(Webhook(NumberId, "16315551181", "wamid.t2", "wamid.t3"));
        var earlyStatus = await DeliveryAsync(StatusWebhook(NumberId, "wamid.not-yet-sent"));
        var sameStatus = await DeliveryAsync(StatusWebhook(NumberId, "wamid.not-yet-sent"));

        var receipts = await StoreTogetherAsync([first, overlapping, earlyStatus, sameStatus]);

        WebhookReceipt[] expected = [new(2, 0, 0, 0, false), new(1, 1, 0, 0, false), new(0, 0, 0, 1, false), new(0, 0, 0, 0, false)];
        Assert.Equal(expected, receipts.Select(r => r.Receipt));
        Assert.Equal(3, await App.WithDbAsync(db => db.Messages.CountAsync()));
        Assert.Equal(3, (await App.WithDbAsync(db => db.Conversations.SingleAsync())).InboundCount);
        Assert.Equal(1, await App.WithDbAsync(db => db.PendingStatusUpdates.CountAsync()));
    }

    [SkippableFact]
    public async Task The_same_message_in_concurrent_deliveries_is_stored_once_and_counted_once()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        using var client = App.CreateClient();
        var shared = Webhook(NumberId, "16315551181", "wamid.shared");
        var others = Enumerable.Range(0, 20).Select(i => Webhook(NumberId, "16315551182", $"wamid.other.{i}"));

        var responses = await Task.WhenAll(Enumerable.Repeat(shared, 10).Concat(others).Select(json => client.PostWebhookAsync(json)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var receipts = await Task.WhenAll(responses.Take(10).Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(1, receipts.Sum(r => r.GetProperty("messagesStored").GetInt32()));
        Assert.Equal(9, receipts.Sum(r => r.GetProperty("duplicates").GetInt32()));
        Assert.Equal(21, await App.WithDbAsync(db => db.Messages.CountAsync()));
        Assert.Equal(1, await App.WithDbAsync(db => db.Messages.CountAsync(m => m.WhatsAppMessageId == "wamid.shared")));
    }

    [SkippableFact]
    public async Task A_delivery_that_cannot_be_stored_fails_alone_and_the_others_are_stored()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        var removedId = await admin.AddNumberAsync(OtherNumberId, status: "Inactive");
        using var client = App.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(Webhook(NumberId, "16315551181", "wamid.warm"))).StatusCode);
        // Removed behind the app's back (as another instance would, within the directory's cache age): its messages now break a foreign key.
        await App.WithDbAsync(db => db.WhatsAppNumbers.Where(n => n.Id == removedId).ExecuteDeleteAsync());
        var good = Enumerable.Range(0, 12).Select(i => Webhook(NumberId, "16315551181", $"wamid.good.{i}")).ToList();
        var bad = Webhook(OtherNumberId, "16315551181", "wamid.bad");

        var goodDelivery = await DeliveryAsync(good[0]);
        var badDelivery = await DeliveryAsync(bad);
        var together = await Record.ExceptionAsync(() => StoreTogetherAsync([goodDelivery, badDelivery]));
        var responses = await Task.WhenAll(good.Take(6).Append(bad).Concat(good.Skip(6)).Select(json => client.PostWebhookAsync(json)));

        Assert.True(together is DbUpdateException or DbException, together?.ToString());
        Assert.Equal(HttpStatusCode.InternalServerError, responses[6].StatusCode);
        Assert.All(responses.Where((_, i) => i != 6), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(13, await App.WithDbAsync(db => db.Messages.CountAsync()));
        Assert.Equal(0, await App.WithDbAsync(db => db.Messages.CountAsync(m => m.WhatsAppMessageId == "wamid.bad")));
    }

    [SkippableFact]
    public async Task A_caller_that_stops_waiting_does_not_stop_the_store()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        var queue = App.Services.GetRequiredService<IWebhookDeliveryQueue>();
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();

        var abandoned = queue.StoreAsync(await DeliveryAsync(Webhook(NumberId, "16315551181", "wamid.abandoned")), gone.Token);
        var later = await queue.StoreAsync(await DeliveryAsync(Webhook(NumberId, "16315551181", "wamid.later")), CancellationToken.None);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal(1, later.Receipt.MessagesStored);
        // With one writer the earlier delivery is committed by the time the later one is; with several, soon after.
        var stored = 0;
        for (var waited = 0; waited < 100 && (stored = await App.WithDbAsync(db => db.Messages.CountAsync())) < 2; waited++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(2, stored);
    }

    private async Task<VerifiedWebhookDelivery> DeliveryAsync(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var payload = App.Services.GetRequiredService<IWebhookPayloadReader>().Read(body);
        var numbers = await App.Services.GetRequiredService<INumberDirectory>().FindAsync(payload.PhoneNumberIds, CancellationToken.None);
        return new VerifiedWebhookDelivery(payload, numbers, body.Length);
    }

    private async Task<IReadOnlyList<StoredWebhookDelivery>> StoreTogetherAsync(IReadOnlyList<VerifiedWebhookDelivery> deliveries)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IWebhookDeliveryWriter>().StoreAsync(deliveries, CancellationToken.None);
    }

    internal static string Webhook(string phoneNumberId, string from, params string[] wamids)
    {
        var doc = JsonNode.Parse(Meta.TextWebhook(phoneNumberId, from, wamids[0], "message " + wamids[0]))!;
        var messages = doc["entry"]![0]!["changes"]![0]!["value"]!["messages"]!.AsArray();
        foreach (var wamid in wamids.Skip(1))
        {
            messages.Add(new JsonObject
            {
                ["from"] = from, ["id"] = wamid, ["timestamp"] = "1760000001", ["type"] = "text", ["text"] = new JsonObject { ["body"] = "message " + wamid },
            });
        }

        return doc.ToJsonString();
    }

    private static string StatusWebhook(string phoneNumberId, string wamid) => $$$"""
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"1","phone_number_id":"{{{phoneNumberId}}}"},
        "statuses":[{"id":"{{{wamid}}}","status":"delivered","timestamp":"1760000005","recipient_id":"16315551181"}]}}]}]}
        """;
}

public sealed class GroupCommitOnSqlite(SqliteApp app) : GroupCommitTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class GroupCommitOnPostgres(PostgresApp app) : GroupCommitTests<PostgresApp>(app), IClassFixture<PostgresApp>;

/// <summary>Three batches written at once (<c>Meta:WebhookBatchWriters</c>): they race on the unique indexes as requests did.</summary>
public sealed class ThreeWritersPostgresApp : TestApp
{
    public ThreeWritersPostgresApp()
        : base(TestDatabase.PostgreSql) => Settings["Meta:WebhookBatchWriters"] = "3";
}

public sealed class GroupCommitWithThreeWritersOnPostgres(ThreeWritersPostgresApp app)
    : GroupCommitTests<ThreeWritersPostgresApp>(app), IClassFixture<ThreeWritersPostgresApp>;

/// <summary>The writer on shutdown: what it took is stored, what comes after is refused, nothing is left waiting.</summary>
public sealed class GroupCommitShutdownTests
{
    [Fact]
    public async Task Stopping_stores_every_delivery_already_taken_and_refuses_new_ones()
    {
        var app = new SqliteApp();
        await app.InitializeAsync();
        try
        {
            using var admin = app.CreateAdminClient();
            await admin.AddNumberAsync("106540352242922", status: "Inactive");
            var reader = app.Services.GetRequiredService<IWebhookPayloadReader>();
            var directory = app.Services.GetRequiredService<INumberDirectory>();
            var writer = app.Services.GetRequiredService<BatchingWebhookDeliveryQueue>();
            async Task<VerifiedWebhookDelivery> Delivery(string wamid)
            {
                var body = Encoding.UTF8.GetBytes(GroupCommitTests<SqliteApp>.Webhook("106540352242922", "16315551181", wamid));
                var payload = reader.Read(body);
                return new VerifiedWebhookDelivery(payload, await directory.FindAsync(payload.PhoneNumberIds, CancellationToken.None), body.Length);
            }

            var taken = new List<Task<StoredWebhookDelivery>>();
            for (var i = 0; i < 50; i++)
            {
                taken.Add(writer.StoreAsync(await Delivery($"wamid.stop.{i}"), CancellationToken.None));
            }

            await writer.StopAsync(CancellationToken.None);
            var afterStop = await Delivery("wamid.too-late");

            Assert.All(taken, t => Assert.True(t.IsCompletedSuccessfully));
            Assert.All(await Task.WhenAll(taken), r => Assert.Equal(1, r.Receipt.MessagesStored));
            Assert.Throws<InvalidOperationException>(() => { _ = writer.StoreAsync(afterStop, CancellationToken.None); });
            Assert.Equal(50, await app.WithDbAsync(db => db.Messages.CountAsync()));
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }
}
