using System.Collections;
using System.Text;
using CleanAgent.Application.Webhooks;
using CleanAgent.Infrastructure.Meta.Webhooks;
using CleanAgent.Testing;

namespace CleanAgent.Infrastructure.UnitTests.Meta;

public sealed class MetaWebhookPayloadReaderTests
{
    private static readonly MetaWebhookPayloadReader Reader = new();

    private static IEnumerable<string> FixtureFiles() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "meta"), "wh_*.json").Order();

    [Fact]
    public void Every_mutation_of_every_fixture_is_read_or_refused_as_not_a_webhook_and_never_yields_undecodable_text()
    {
        var fixtures = FixtureFiles().ToList();
        Assert.True(fixtures.Count > 40, $"only {fixtures.Count} fixtures found");
        var read = 0;
        var refused = 0;
        foreach (var file in fixtures)
        {
            foreach (var (name, body) in WebhookMutations.Of(File.ReadAllBytes(file), 60, Path.GetFileName(file).GetHashCode(StringComparison.Ordinal)))
            {
                WebhookPayload payload;
                try
                {
                    payload = Reader.Read(body);
                }
                catch (InvalidWebhookPayloadException)
                {
                    refused++;
                    continue;
                }
                catch (Exception ex)
                {
                    Assert.Fail($"{Path.GetFileName(file)} {name}: {ex.GetType().Name}: {ex.Message}\n{Encoding.UTF8.GetString(body)[..Math.Min(body.Length, 2000)]}");
                    throw;
                }

                read++;
                foreach (var text in Strings(payload, 0))
                {
                    Assert.True(IsStorable(text), $"{Path.GetFileName(file)} {name}: undecodable text {Escape(text)}");
                }
            }
        }

        Assert.True(read > 1000 && refused > 200, $"read {read}, refused {refused}: the mutations should exercise both");
    }

    [Theory]
    [InlineData("\\ud83d", "\uFFFD")]
    [InlineData("a\\udc4bb", "a\uFFFDb")]
    [InlineData("\\ud83d\\ud83d\\udc4b", "\uFFFD\U0001F44B")]
    [InlineData("\\udc4b\\ud83d", "\uFFFD\uFFFD")]
    [InlineData("x\\u0000y", "x\uFFFDy")]
    [InlineData("\\\\ud83d \\ud83d", "\\ud83d \uFFFD")]
    [InlineData("ok \\ud83d\\udc4b", "ok \U0001F44B")]
    public void A_string_that_is_valid_JSON_but_not_valid_text_is_read_with_replacement_characters(string escaped, string expected)
    {
        var body = Encoding.UTF8.GetBytes($$$"""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
              "metadata":{"phone_number_id":"123"},
              "contacts":[{"wa_id":"16315551181","profile":{"name":"{{{escaped}}}"}}],
              "messages":[{"from":"16315551181","id":"wamid.1","timestamp":"1760000000","type":"text","text":{"body":"{{{escaped}}}"}}]}}]}]}
            """);

        var payload = Reader.Read(body);

        var change = Assert.Single(payload.Changes);
        Assert.Equal(expected, Assert.Single(change.Messages).Content.Text);
        Assert.Equal(expected, Assert.Single(change.Contacts).Name);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public void A_body_that_is_not_UTF_8_is_refused_before_it_is_parsed(byte[] bad)
    {
        var before = Encoding.UTF8.GetBytes("""{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"1""");
        var after = Encoding.UTF8.GetBytes("\"}}}]}]}");

        var error = Assert.Throws<InvalidWebhookPayloadException>(() => Reader.Read(before.Concat(bad).Concat(after).ToArray()));

        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parse_error_names_its_position_not_the_payload()
    {
        var body = Encoding.UTF8.GetBytes("{\"" + new string('k', 100_000) + "\": [1, 2,, 3]}");

        var error = Assert.Throws<InvalidWebhookPayloadException>(() => Reader.Read(body));

        Assert.True(error.Message.Length < 100, error.Message);
    }

    private static bool IsStorable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\0')
            {
                return false;
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Escape(string text) => string.Concat(text.Take(80).Select(c => c < 32 || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    /// <summary>Every string reachable from the payload's records and lists.</summary>
    private static IEnumerable<string> Strings(object? value, int depth)
    {
        if (value is null || depth > 8)
        {
            yield break;
        }

        if (value is string s)
        {
            yield return s;
            yield break;
        }

        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                foreach (var inner in Strings(item, depth + 1))
                {
                    yield return inner;
                }
            }

            yield break;
        }

        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is DateTime or Guid or decimal || !type.Namespace!.StartsWith("CleanAgent", StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (var property in type.GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            foreach (var inner in Strings(property.GetValue(value), depth + 1))
            {
                yield return inner;
            }
        }
    }
}
