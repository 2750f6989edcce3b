using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanAgent.Application.Webhooks;
using CleanAgent.Domain.Conversations;
using CleanAgent.Infrastructure.Persistence;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanAgent.WebApi.FunctionalTests.Webhooks;

/// <summary>
/// The set-based store (<see cref="WebhookDeliveryWriter"/>) and the domain agree: the same cases go through the domain's
/// entities and through the SQL, and end the same. Also: fields longer than their columns (PostgreSQL refuses them).
/// </summary>
public abstract class SetBasedStoreTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    private const string NumberId = "106540352242922";
    private const string Customer = "16315551181";
    private static readonly string[] Words = ["sent", "delivered", "read", "played", "failed"];

    [SkippableFact]
    public async Task Statuses_applied_set_wise_end_where_the_domain_puts_them()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        // Every earlier status (or none) followed by every one or two statuses arriving in one batch.
        var cases = new[] { (string?)null }.Concat(Words)
            .SelectMany(before => Words.Select(w => new[] { w }).Concat(Words.SelectMany(a => Words.Select(b => new[] { a, b })))
                .Select(batch => (Before: before, Batch: batch)))
            .Select((c, i) => (Wamid: $"wamid.status.{i}", c.Before, c.Batch))
            .ToList();

        var echoes = await StoreAsync([Echoes(cases.Select(c => c.Wamid))]);
        await StoreAsync([StatusWebhook(cases.Where(c => c.Before is not null).Select(c => (c.Wamid, c.Before!, 1_760_000_100L)))]);
        var receipts = await StoreAsync(cases.Select(c => StatusWebhook(c.Batch.Select((word, k) => (c.Wamid, word, 1_760_000_200L + k)))).ToList());

        var stored = await App.WithDbAsync(db => db.Messages.AsNoTracking().ToDictionaryAsync(m => m.WhatsAppMessageId!));
        var expectedApplied = 0;
        foreach (var (wamid, before, batch) in cases)
        {
            var expected = Message.Echo(Conversation.Start(Guid.NewGuid(), Customer, null, DateTime.UtcNow), wamid, Text("echo"), At(1_760_000_000), DateTime.UtcNow);
            if (before is not null)
            {
                Apply(expected, before, At(1_760_000_100));
            }

            expectedApplied += batch.Select((word, k) => Apply(expected, word, At(1_760_000_200 + k))).Count(applied => applied);
            var actual = stored[wamid];
            var what = $"{before ?? "none"} then [{string.Join(", ", batch)}]";
            Assert.True(expected.Status == actual.Status, $"{what}: domain {expected.Status}, SQL {actual.Status}");
            Assert.True(expected.StatusAt == actual.StatusAt, $"{what}: domain at {expected.StatusAt:O}, SQL at {actual.StatusAt:O}");
            Assert.True(expected.ErrorCode == actual.ErrorCode, $"{what}: domain error {expected.ErrorCode}, SQL error {actual.ErrorCode}");
        }

        Assert.Equal(cases.Count, echoes[0].Receipt.MessagesStored);
        Assert.Equal(expectedApplied, receipts.Sum(r => r.Receipt.StatusesApplied));
        Assert.Equal(0, receipts.Sum(r => r.Receipt.StatusesKept));
    }

    [SkippableFact]
    public async Task Statuses_of_unknown_messages_are_kept_once_and_statuses_of_inbound_messages_change_nothing()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        await StoreAsync([GroupCommitTests<TApp>.Webhook(NumberId, Customer, "wamid.inbound")]);

        var receipts = await StoreAsync(
        [
            StatusWebhook([("wamid.inbound", "read", 1_760_000_300L), ("wamid.later", "delivered", 1_760_000_301L)]),
            StatusWebhook([("wamid.later", "delivered", 1_760_000_302L), ("wamid.later", "read", 1_760_000_303L)]),
        ]);

        Assert.Equal(new[] { 0, 0 }, receipts.Select(r => r.Receipt.StatusesApplied));
        Assert.Equal(new[] { 1, 1 }, receipts.Select(r => r.Receipt.StatusesKept));
        var kept = await App.WithDbAsync(db => db.PendingStatusUpdates.AsNoTracking().OrderBy(p => p.Status).Select(p => p.Status).ToListAsync());
        Assert.Equal(new[] { MessageStatus.Delivered, MessageStatus.Read }, kept);
        var inbound = await App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync());
        Assert.Equal(MessageStatus.Received, inbound.Status);
    }

    [SkippableFact]
    public async Task Conversations_gain_what_the_domain_records_for_the_messages_stored()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var numberId = await admin.AddNumberAsync(NumberId);
        var tooLong = new string('7', 40);
        var deliveries = new List<List<Sent>>
        {
            new() { new("wamid.c1", Customer, null, "text", "Ana", 1_760_000_000) },
            new() { new("wamid.c2", Customer, null, "reaction", " ", 1_760_000_005) },
            new() { new("wamid.c3", null, "US.BEE", "text", null, 1_760_000_002, Username: "bee", Parent: "US.PARENT") },
            new() { new("wamid.c4", tooLong, null, "text", "Nobody", 1_760_000_003) },
            new() { new("wamid.c5", Customer, null, "text", null, 1_760_000_004, Echo: true) },
            new() { new("wamid.c1", Customer, null, "text", "Ana", 1_760_000_000) },
        };
        var later = new List<List<Sent>>
        {
            new() { new("wamid.c6", Customer, "US.ANA", "text", "Ana Maria", 1_760_000_010), new("wamid.c7", null, "US.BEE", "system", null, 1_760_000_011) },
        };

        var first = await StoreAsync(deliveries.Select(Webhook).ToList());
        var second = await StoreAsync(later.Select(Webhook).ToList());

        var conversations = await App.WithDbAsync(db => db.Conversations.AsNoTracking().ToListAsync());
        var stored = deliveries.Concat(later).SelectMany(d => d).DistinctBy(s => s.Wamid).ToList();
        Assert.Equal(3, conversations.Count);
        foreach (var actual in conversations)
        {
            var expected = actual.IsUnidentified
                ? Conversation.StartUnidentified(numberId, actual.CreatedAt)
                : Conversation.Start(numberId, actual.CustomerWaId, actual.CustomerWaId is null ? actual.CustomerKey : null, actual.CreatedAt);
            foreach (var sent in stored.Where(s => (Conversation.KeyFor(s.From, s.UserId) ?? Conversation.UnidentifiedCustomerKey) == actual.CustomerKey))
            {
                var content = Text("x") with { Type = sent.Type };
                if (sent.Echo)
                {
                    expected.RecordOutbound(Message.Echo(expected, sent.Wamid, content, At(sent.Timestamp), DateTime.UtcNow));
                    continue;
                }

                // Meta's profile gives a name or, for username users, the username.
                expected.RecordInbound(Message.Inbound(expected, sent.Wamid, content, At(sent.Timestamp), DateTime.UtcNow), sent.Name ?? sent.Username, sent.UserId, answering: true, DateTime.UtcNow);
                expected.RecordProfile(sent.Username, sent.Parent);
            }

            Assert.Equal(
                (expected.CustomerKey, expected.InboundCount, expected.OutboundCount, expected.LastMessageAt, expected.LastInboundAt, expected.CustomerName,
                    expected.CustomerUserId, expected.CustomerUsername, expected.CustomerParentUserId, expected.ReplyPending, expected.ReplyRequestedAt is null),
                (actual.CustomerKey, actual.InboundCount, actual.OutboundCount, actual.LastMessageAt, actual.LastInboundAt, actual.CustomerName,
                    actual.CustomerUserId, actual.CustomerUsername, actual.CustomerParentUserId, actual.ReplyPending, actual.ReplyRequestedAt is null));
        }

        var ana = conversations.Single(c => c.CustomerKey == Customer).Id;
        var bee = conversations.Single(c => c.CustomerKey == "US.BEE").Id;
        string Names(IReadOnlyCollection<Guid> ids) => string.Join(",", ids.Select(id => id == ana ? "ana" : id == bee ? "bee" : id.ToString()));
        Assert.Equal(new[] { "ana", "", "bee", "", "", "" }, first.Select(r => Names(r.ConversationsToAnswer)));
        Assert.Equal(new[] { "ana" }, second.Select(r => Names(r.ConversationsToAnswer)));
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 0 }, first.Select(r => r.Receipt.MessagesStored));
        Assert.Equal(1, first[5].Receipt.Duplicates);
        Assert.Equal(7, await App.WithDbAsync(db => db.Messages.CountAsync()));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fields_longer_than_their_columns_are_clipped_and_the_rest_of_the_delivery_is_stored(bool withAnEdit)
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId, status: "Inactive");
        using var client = App.CreateClient();
        var longType = new string('t', 100);
        var longId = "wamid." + new string('i', 300);
        var messages = new JsonArray
        {
            new JsonObject { ["from"] = Customer, ["id"] = "wamid.long.type", ["timestamp"] = "1760000000", ["type"] = longType, [longType] = new JsonObject { ["body"] = "odd" } },
            new JsonObject
            {
                ["from"] = Customer, ["id"] = "wamid.long.document", ["timestamp"] = "1760000001", ["type"] = "document",
                ["document"] = new JsonObject
                {
                    ["id"] = new string('m', 300), ["mime_type"] = "application/" + new string('p', 300), ["sha256"] = new string('s', 300),
                    ["filename"] = new string('f', 600) + ".pdf",
                },
                ["context"] = new JsonObject { ["id"] = "wamid." + new string('c', 300) },
                ["errors"] = new JsonArray(new JsonObject { ["code"] = new string('9', 50), ["title"] = new string('e', 1500) }),
            },
            new JsonObject { ["from"] = new string('5', 40), ["id"] = "wamid.long.sender", ["timestamp"] = "1760000002", ["type"] = "text", ["text"] = new JsonObject { ["body"] = "who" } },
            new JsonObject { ["from"] = Customer, ["id"] = longId, ["timestamp"] = "1760000003", ["type"] = "text", ["text"] = new JsonObject { ["body"] = "lost" } },
            new JsonObject { ["from"] = Customer, ["id"] = "wamid.long.fine", ["timestamp"] = "1760000004", ["type"] = "text", ["text"] = new JsonObject { ["body"] = "fine" } },
        };
        if (withAnEdit)
        {
            // A rare shape: the batch goes through the change-tracked writer instead of the set-based SQL.
            messages.Add(new JsonObject
            {
                ["from"] = Customer, ["id"] = "wamid.long.edit", ["timestamp"] = "1760000005", ["type"] = "edit",
                ["edit"] = new JsonObject { ["original_message_id"] = "wamid.long.fine", ["message"] = new JsonObject { ["type"] = "text", ["text"] = new JsonObject { ["body"] = "finer" } } },
            });
        }

        var json = new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "102290129340398",
                ["changes"] = new JsonArray(new JsonObject
                {
                    ["field"] = "messages",
                    ["value"] = new JsonObject
                    {
                        ["messaging_product"] = "whatsapp",
                        ["metadata"] = new JsonObject { ["display_phone_number"] = "16505553333", ["phone_number_id"] = NumberId },
                        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = new string('n', 400) }, ["wa_id"] = Customer }),
                        ["messages"] = messages,
                        ["statuses"] = new JsonArray(new JsonObject
                        {
                            ["id"] = "wamid.never.sent", ["status"] = "failed", ["timestamp"] = "1760000009", ["recipient_id"] = Customer,
                            ["errors"] = new JsonArray(new JsonObject { ["code"] = new string('8', 50), ["title"] = new string('x', 1500) }),
                        }),
                    },
                }),
            }),
        }.ToJsonString();

        int Skipped() => App.Logs.GetSnapshot().Count(r => r.Level == LogLevel.Warning && r.Message.Contains("too long to store", StringComparison.Ordinal));
        var skippedBefore = Skipped();
        var response = await client.PostWebhookAsync(json);
        var redelivered = await client.PostWebhookAsync(json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(withAnEdit ? 5 : 4, receipt.GetProperty("messagesStored").GetInt32());
        var stored = await App.WithDbAsync(db => db.Messages.AsNoTracking().ToDictionaryAsync(m => m.WhatsAppMessageId!));
        Assert.Equal(withAnEdit ? 5 : 4, stored.Count);
        Assert.Equal(longType[..64], stored["wamid.long.type"].Type);
        var document = stored["wamid.long.document"];
        Assert.Equal((256, 256, 256, 512, 256, 32, 1000), (document.MediaId!.Length, document.MimeType!.Length, document.Sha256!.Length,
            document.FileName!.Length, document.ContextMessageId!.Length, document.ErrorCode!.Length, document.ErrorTitle!.Length));
        var conversations = await App.WithDbAsync(db => db.Conversations.AsNoTracking().ToListAsync());
        Assert.Equal(256, conversations.Single(c => c.CustomerKey == Customer).CustomerName!.Length);
        Assert.Equal(stored["wamid.long.sender"].ConversationId, conversations.Single(c => c.IsUnidentified).Id);
        Assert.Equal(withAnEdit ? "finer" : "fine", stored["wamid.long.fine"].Text);
        var kept = await App.WithDbAsync(db => db.PendingStatusUpdates.AsNoTracking().SingleAsync());
        Assert.Equal((32, 1000), (kept.ErrorCode!.Length, kept.ErrorTitle!.Length));
        // One warning for each delivery of the message whose own id cannot be stored.
        Assert.Equal(2, Skipped() - skippedBefore);
    }

    private async Task<IReadOnlyList<StoredWebhookDelivery>> StoreAsync(IReadOnlyList<string> jsons)
    {
        var reader = App.Services.GetRequiredService<IWebhookPayloadReader>();
        var directory = App.Services.GetRequiredService<INumberDirectory>();
        var deliveries = new List<VerifiedWebhookDelivery>();
        foreach (var json in jsons)
        {
            var body = Encoding.UTF8.GetBytes(json);
            var payload = reader.Read(body);
            deliveries.Add(new VerifiedWebhookDelivery(payload, await directory.FindAsync(payload.PhoneNumberIds, CancellationToken.None), body.Length));
        }

        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IWebhookDeliveryWriter>().StoreAsync(deliveries, CancellationToken.None);
    }

    private static bool Apply(Message message, string word, DateTime at) =>
        message.ApplyStatus(MessageStatusRules.FromMeta(word)!.Value, at, word == "failed" ? "131026" : null, word == "failed" ? "Message undeliverable" : null);

    private static InboundContent Text(string body) => new() { Type = "text", Text = body, RawJson = "{}" };

    private static DateTime At(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;

    private static string Envelope(string field, JsonObject value)
    {
        value["messaging_product"] = "whatsapp";
        value["metadata"] = new JsonObject { ["display_phone_number"] = "16505553333", ["phone_number_id"] = NumberId };
        return new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject { ["id"] = "102290129340398", ["changes"] = new JsonArray(new JsonObject { ["field"] = field, ["value"] = value }) }),
        }.ToJsonString();
    }

    private static string Echoes(IEnumerable<string> wamids) =>
        Envelope("smb_message_echoes", new JsonObject
        {
            ["message_echoes"] = new JsonArray(wamids.Select(w => (JsonNode)new JsonObject
            {
                ["from"] = "16505553333", ["to"] = Customer, ["id"] = w, ["timestamp"] = "1760000000", ["type"] = "text", ["text"] = new JsonObject { ["body"] = "echo" },
            }).ToArray()),
        });

    private static string StatusWebhook(IEnumerable<(string Wamid, string Word, long Timestamp)> statuses) =>
        Envelope("messages", new JsonObject
        {
            ["statuses"] = new JsonArray(statuses.Select(s =>
            {
                var status = new JsonObject
                {
                    ["id"] = s.Wamid, ["status"] = s.Word, ["timestamp"] = s.Timestamp.ToString(CultureInfo.InvariantCulture), ["recipient_id"] = Customer,
                };
                if (s.Word == "failed")
                {
                    status["errors"] = new JsonArray(new JsonObject { ["code"] = 131026, ["title"] = "Message undeliverable" });
                }

                return (JsonNode)status;
            }).ToArray()),
        });

    private static string Webhook(List<Sent> messages) =>
        Envelope(messages[0].Echo ? "smb_message_echoes" : "messages", messages[0].Echo
            ? new JsonObject
            {
                ["message_echoes"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject
                {
                    ["from"] = "16505553333", ["to"] = m.From, ["id"] = m.Wamid, ["timestamp"] = m.Timestamp.ToString(CultureInfo.InvariantCulture),
                    ["type"] = m.Type, ["text"] = new JsonObject { ["body"] = "x" },
                }).ToArray()),
            }
            : new JsonObject
            {
                ["contacts"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject
                {
                    ["wa_id"] = m.From, ["user_id"] = m.UserId, ["parent_user_id"] = m.Parent,
                    ["profile"] = new JsonObject { ["name"] = m.Name, ["username"] = m.Username },
                }).ToArray()),
                ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject
                {
                    ["from"] = m.From, ["from_user_id"] = m.UserId, ["id"] = m.Wamid, ["timestamp"] = m.Timestamp.ToString(CultureInfo.InvariantCulture),
                    ["type"] = m.Type, ["text"] = new JsonObject { ["body"] = "x" },
                }).ToArray()),
            });

    private sealed record Sent(string Wamid, string? From, string? UserId, string Type, string? Name, long Timestamp, string? Username = null, string? Parent = null, bool Echo = false);
}

public sealed class SetBasedStoreOnSqlite(SqliteApp app) : SetBasedStoreTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class SetBasedStoreOnPostgres(PostgresApp app) : SetBasedStoreTests<PostgresApp>(app), IClassFixture<PostgresApp>;
