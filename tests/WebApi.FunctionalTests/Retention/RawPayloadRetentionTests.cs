using CleanAgent.Domain.Conversations;
using CleanAgent.Infrastructure.Jobs;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.WebApi.FunctionalTests.Retention;

public abstract class RawPayloadRetentionTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    [SkippableFact]
    public async Task Raw_json_older_than_the_retention_is_cleared_and_the_message_kept()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var numberId = await admin.AddNumberAsync("106540352242922");
        var now = DateTime.UtcNow;
        await App.WithDbAsync(async db =>
        {
            var conversation = Conversation.Start(numberId, "16315551181", null, now);
            db.Conversations.Add(conversation);
            foreach (var (wamid, age) in new[] { ("wamid.old", 200), ("wamid.new", 10) })
            {
                var content = new InboundContent { Type = "text", Text = "body of " + wamid, RawJson = $$"""{"id":"{{{wamid}}}"}""" };
                db.Messages.Add(Message.Inbound(conversation, wamid, content, now.AddDays(-age), now.AddDays(-age)));
            }

            return await db.SaveChangesAsync();
        });

        var cleared = await App.Services.GetRequiredService<RawPayloadRetention>().PruneAsync(CancellationToken.None);

        Assert.Equal(1, cleared);
        var messages = await App.WithDbAsync(db => db.Messages.AsNoTracking().ToDictionaryAsync(m => m.WhatsAppMessageId!));
        Assert.Null(messages["wamid.old"].RawJson);
        Assert.Equal("body of wamid.old", messages["wamid.old"].Text);
        Assert.NotNull(messages["wamid.new"].RawJson);
    }

    [SkippableFact]
    public async Task Statuses_for_messages_never_stored_expire_with_the_raw_payloads()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync("106540352242923");
        using var client = App.CreateClient();
        foreach (var wamid in new[] { "wamid.never-sent", "wamid.not-yet" })
        {
            var status = $$$"""
                {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
                "metadata":{"display_phone_number":"1","phone_number_id":"106540352242923"},
                "statuses":[{"id":"{{{wamid}}}","status":"delivered","timestamp":"1760000005","recipient_id":"16315551181"}]}}]}]}
                """;
            (await client.PostWebhookAsync(status)).EnsureSuccessStatusCode();
        }

        var aged = DateTime.UtcNow.AddDays(-RawPayloadRetention.DefaultDays - 1);
        await App.WithDbAsync(db => db.PendingStatusUpdates.Where(s => s.WhatsAppMessageId == "wamid.never-sent")
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.ReceivedAt, aged)));

        var removed = await App.Services.GetRequiredService<RawPayloadRetention>().PruneAsync(CancellationToken.None);

        Assert.Equal(1, removed);
        var kept = await App.WithDbAsync(db => db.PendingStatusUpdates.AsNoTracking().Select(s => s.WhatsAppMessageId).ToListAsync());
        Assert.Equal(["wamid.not-yet"], kept);
    }
}

public sealed class RawPayloadRetentionOnSqlite(SqliteApp app) : RawPayloadRetentionTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class RawPayloadRetentionOnPostgres(PostgresApp app) : RawPayloadRetentionTests<PostgresApp>(app), IClassFixture<PostgresApp>;
