using System.Net;
using System.Text;
using System.Text.Json;
using CleanAgent.Testing;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.WebApi.FunctionalTests.Webhooks;

/// <summary>Strange payloads through the real endpoint and the real database: a 4xx or a 200, never a 500.</summary>
public abstract class WebhookFuzzTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : TestApp
{
    private const string NumberId = "106540352242922";

    [SkippableFact]
    public async Task Signed_and_unsigned_mutations_of_every_fixture_are_answered_without_a_500()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        var fixtures = Meta.WebhookFixtures().ToList();
        var numbers = fixtures.SelectMany(f => PhoneNumberIds(Meta.Fixture(f))).Where(id => id.All(char.IsAsciiDigit)).Distinct().ToList();
        foreach (var number in numbers)
        {
            await admin.AddNumberAsync(number);
        }

        using var client = App.CreateClient();
        var answers = new Dictionary<HttpStatusCode, int>();
        var failures = new List<string>();
        foreach (var fixture in fixtures)
        {
            // Signed, as a tenant's own app could; and unsigned, as anyone can. Strings longer than their column are the
            // intake issue's (#16 item 4): on PostgreSQL they are sent unsigned only, until its clipping lands.
            foreach (var secret in new[] { Meta.AppSecret, null })
            {
                var longStrings = secret is null || App.Database == TestDatabase.Sqlite;
                foreach (var (name, body) in WebhookMutations.Of(Meta.Fixture(fixture), 6, fixture.Length * 7919, longStrings))
                {
                    var response = await client.PostWebhookAsync(body, secret);
                    answers[response.StatusCode] = answers.GetValueOrDefault(response.StatusCode) + 1;
                    if ((int)response.StatusCode >= 500)
                    {
                        failures.Add($"{fixture} {name} ({(secret is null ? "unsigned" : "signed")}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        Assert.True(answers.GetValueOrDefault(HttpStatusCode.OK) > 50 && answers.GetValueOrDefault(HttpStatusCode.BadRequest) > 10,
            string.Join(", ", answers.Select(a => $"{(int)a.Key}: {a.Value}")));
        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(Meta.TextWebhook(numbers[0], "16315551181", "wamid.after-fuzz", "still here"))).StatusCode);
    }

    [SkippableFact]
    public async Task A_lone_surrogate_escape_costs_neither_the_delivery_nor_its_other_messages()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        var json = Meta.TextWebhook(NumberId, "16315551181", "wamid.odd", "ODD", name: "NAME");
        using (var document = JsonDocument.Parse(json))
        {
            // A second, ordinary message in the same delivery.
            var good = document.RootElement.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value").GetProperty("messages")[0].GetRawText()
                .Replace("wamid.odd", "wamid.good", StringComparison.Ordinal).Replace("ODD", "fine", StringComparison.Ordinal);
            json = json.Replace("}]}}]}]}", "}," + good + "]}}]}]}", StringComparison.Ordinal);
        }

        var body = Encoding.UTF8.GetBytes(json.Replace("\"ODD\"", "\"hi \\ud83d\"", StringComparison.Ordinal).Replace("\"NAME\"", "\"\\udc4b Zo\\u0000\"", StringComparison.Ordinal));
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(body);
        var redelivery = await client.PostWebhookAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        var messages = await App.WithDbAsync(db => db.Messages.AsNoTracking().OrderBy(m => m.WhatsAppMessageId).Select(m => new { m.WhatsAppMessageId, m.Text }).ToListAsync());
        Assert.Equal(["wamid.good", "wamid.odd"], messages.Select(m => m.WhatsAppMessageId));
        Assert.Equal("fine", messages[0].Text);
        Assert.Equal("hi \uFFFD", messages[1].Text);
        Assert.Equal("\uFFFD Zo\uFFFD", await App.WithDbAsync(db => db.Conversations.Select(c => c.CustomerName).SingleAsync()));
    }

    [SkippableTheory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xC3 })]
    public async Task A_body_that_is_not_UTF_8_is_a_400_signed_or_not_and_stores_nothing(byte[] bad)
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync(NumberId);
        var parts = Meta.TextWebhook(NumberId, "16315551181", "wamid.bad-utf8", "BAD").Split("BAD");
        var body = Encoding.UTF8.GetBytes(parts[0]).Concat(bad).Concat(Encoding.UTF8.GetBytes(parts[1])).ToArray();
        using var client = App.CreateClient();

        var signed = await client.PostWebhookAsync(body);
        var unsigned = await client.PostWebhookAsync(body, secret: null);

        var problem = await HttpAssert.ProblemAsync(signed, HttpStatusCode.BadRequest);
        Assert.Contains("UTF-8", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await HttpAssert.ProblemAsync(unsigned, HttpStatusCode.BadRequest);
        Assert.Equal(0, await App.WithDbAsync(db => db.Messages.CountAsync()));
    }

    private static IEnumerable<string> PhoneNumberIds(byte[] fixture)
    {
        using var document = JsonDocument.Parse(fixture);
        var ids = new List<string>();
        foreach (var entry in document.RootElement.GetProperty("entry").EnumerateArray())
        {
            if (!entry.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var change in changes.EnumerateArray())
            {
                if (change.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object &&
                    value.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("phone_number_id", out var id))
                {
                    ids.Add(id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText());
                }
            }
        }

        return ids;
    }
}

public sealed class WebhookFuzzOnSqlite(SqliteApp app) : WebhookFuzzTests<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class WebhookFuzzOnPostgres(PostgresApp app) : WebhookFuzzTests<PostgresApp>(app), IClassFixture<PostgresApp>;
