using System.Net;
using System.Text.Json;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.WebApi.FunctionalTests.Webhooks;

/// <summary>Every real webhook payload in Fixtures/meta, posted signed through the real endpoint.</summary>
public abstract class FixturePayloadTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    public static TheoryData<string> Fixtures() => new(Meta.WebhookFixtures());

    [SkippableTheory]
    [MemberData(nameof(Fixtures))]
    public async Task Fixture_is_stored_or_ignored_as_its_content_says(string fixture)
    {
        RequireDatabase();
        var body = Meta.Fixture(fixture);
        var expected = Expectation.Of(body);
        using var admin = App.CreateAdminClient();
        foreach (var phoneNumberId in expected.RegisteredNumbers)
        {
            await admin.AddNumberAsync(phoneNumberId);
        }

        using var client = App.CreateClient();
        var response = await client.PostWebhookAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = await App.WithDbAsync(db => db.Messages.AsNoTracking().ToListAsync());
        Assert.Equal(expected.Messages.Count, messages.Count);
        foreach (var (id, type, text) in expected.Messages)
        {
            var stored = Assert.Single(messages, m => m.WhatsAppMessageId == id);
            Assert.Equal(type, stored.Type);
            Assert.Equal(id, JsonDocument.Parse(stored.RawJson!).RootElement.GetProperty("id").GetString());
            if (type == "text")
            {
                Assert.Equal(text, stored.Text);
            }
        }

        Assert.Equal(expected.KeptStatuses, await App.WithDbAsync(db => db.PendingStatusUpdates.CountAsync()));
    }

    [SkippableTheory]
    [InlineData("wh_image_caption_courier.json", "image", "Check out my new phone!")]
    [InlineData("wh_audio_voice_pywa.json", "audio", null)]
    [InlineData("wh_document_bindambc.json", "document", null)]
    [InlineData("wh_location_named_courier.json", "location", "Main Street Beach, Main Street Beach, Santa Cruz, CA")]
    [InlineData("wh_reaction_removed_pywa.json", "reaction", "")]
    [InlineData("wh_interactive_list_reply_courier.json", "interactive", null)]
    [InlineData("wh_order_pywa.json", "order", null)]
    [InlineData("wh_system_user_changed_number_pywa.json", "system", null)]
    [InlineData("wh_unsupported_errors_bindambc.json", "unsupported", null)]
    [InlineData("wh_text_no_from_bsuid_courier.json", "text", "Hello World")]
    public async Task Each_message_type_keeps_what_an_operator_or_the_agent_needs(string fixture, string type, string? text)
    {
        RequireDatabase();
        var body = Meta.Fixture(fixture);
        using var admin = App.CreateAdminClient();
        foreach (var phoneNumberId in Expectation.Of(body).RegisteredNumbers)
        {
            await admin.AddNumberAsync(phoneNumberId);
        }

        using var client = App.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(body)).StatusCode);

        var message = await App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync());
        var conversation = await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync());
        Assert.Equal(type, message.Type);
        switch (fixture)
        {
            case "wh_audio_voice_pywa.json":
                Assert.True(message.IsVoice);
                Assert.Equal("1234567890987654321", message.MediaId);
                Assert.Equal("audio/ogg; codecs=opus", message.MimeType);
                Assert.Equal("m04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI=", message.Sha256);
                break;
            case "wh_document_bindambc.json":
                Assert.Equal("4_641947.pdf", message.FileName);
                Assert.Equal("application/pdf", message.MimeType);
                break;
            case "wh_reaction_removed_pywa.json":
                Assert.Equal("wamid.yzxyzx=", message.ContextMessageId);
                Assert.False(message.NeedsReply);
                Assert.False(conversation.ReplyPending);
                break;
            case "wh_interactive_list_reply_courier.json":
            case "wh_order_pywa.json":
            case "wh_system_user_changed_number_pywa.json":
                Assert.False(string.IsNullOrWhiteSpace(message.Text));
                break;
            case "wh_unsupported_errors_bindambc.json":
                Assert.Equal("131051", message.ErrorCode);
                break;
            case "wh_text_no_from_bsuid_courier.json":
                Assert.Equal("US.1234", conversation.CustomerKey);
                Assert.Equal("US.1234", conversation.CustomerUserId);
                Assert.Null(conversation.CustomerWaId);
                Assert.Equal("Kerry Fisher", conversation.CustomerName);
                break;
        }

        if (text is not null)
        {
            Assert.Equal(text, message.Text);
        }
    }

    [SkippableFact]
    public async Task Forwarded_reply_keeps_its_context()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync("1122334455667");
        using var client = App.CreateClient();

        await client.PostWebhookAsync(Meta.Fixture("wh_text_forwarded_pywa.json"));
        var forwarded = await App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync());
        await App.ResetAsync();
        await admin.AddNumberAsync("1122334455667");
        await client.PostWebhookAsync(Meta.Fixture("wh_text_reply_context_pywa.json"));
        var reply = await App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync());

        Assert.True(forwarded.IsForwarded);
        Assert.NotNull(reply.ContextMessageId);
    }

    /// <summary>What a fixture should leave behind, read from the fixture with a plain JSON walk.</summary>
    private sealed record Expectation(IReadOnlyList<string> RegisteredNumbers, IReadOnlyList<(string Id, string Type, string? Text)> Messages, int KeptStatuses)
    {
        private static readonly string[] KnownStatuses = ["sent", "delivered", "read", "played", "failed"];

        public static Expectation Of(byte[] body)
        {
            var numbers = new HashSet<string>();
            var messages = new List<(string, string, string?)>();
            var statuses = new HashSet<(string, string, string)>();
            foreach (var entry in JsonDocument.Parse(body).RootElement.GetProperty("entry").EnumerateArray())
            {
                foreach (var change in entry.GetProperty("changes").EnumerateArray())
                {
                    var value = change.GetProperty("value");
                    if (!value.TryGetProperty("metadata", out var metadata))
                    {
                        continue;
                    }

                    var phoneNumberId = metadata.GetProperty("phone_number_id").GetString()!;
                    // Only numeric ids can be registered (the admin API insists on Meta's numeric ids).
                    if (!phoneNumberId.All(char.IsAsciiDigit))
                    {
                        continue;
                    }

                    numbers.Add(phoneNumberId);
                    if (change.GetProperty("field").GetString() != "messages")
                    {
                        continue;
                    }

                    foreach (var message in value.TryGetProperty("messages", out var m) ? m.EnumerateArray() : default)
                    {
                        var id = message.TryGetProperty("id", out var i) ? i.GetString() : null;
                        var hasSender = message.TryGetProperty("from", out _) || message.TryGetProperty("from_user_id", out _);
                        if (id is null || !hasSender || messages.Any(x => x.Item1 == id))
                        {
                            continue;
                        }

                        var type = message.GetProperty("type").GetString()!;
                        var text = type == "text" ? message.GetProperty("text").GetProperty("body").GetString() : null;
                        messages.Add((id, type, text));
                    }

                    foreach (var status in value.TryGetProperty("statuses", out var s) ? s.EnumerateArray() : default)
                    {
                        var word = status.GetProperty("status").GetString()!;
                        if (KnownStatuses.Contains(word))
                        {
                            statuses.Add((phoneNumberId, status.GetProperty("id").GetString()!, word));
                        }
                    }
                }
            }

            return new Expectation(numbers.ToList(), messages, statuses.Count);
        }
    }
}

public sealed class FixturePayloadsOnSqlite(SqliteApp app) : FixturePayloadTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class FixturePayloadsOnPostgres(PostgresApp app) : FixturePayloadTests<PostgresApp>(app), IClassFixture<PostgresApp>;
