using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanAgent.WebApi.FunctionalTests.Support;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace CleanAgent.WebApi.FunctionalTests.Media;

/// <summary>
/// Photos and documents reach the model (faked at the HTTP level, an OpenAI-compatible chat completions endpoint): images
/// as image parts for agents whose model takes them, document text in the user turn, never in the system prompt.
/// </summary>
public sealed class AttachmentTests(SqliteFileSystemMediaApp app) : DatabaseTest<SqliteFileSystemMediaApp>(app), IClassFixture<SqliteFileSystemMediaApp>
{
    private const string PhoneNumberId = "106540352242944";
    private const string Customer = "16315551183";

    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    [Fact]
    public async Task A_photo_reaches_a_model_that_takes_images_as_an_image_part_with_its_caption()
    {
        await ArrangeAsync(acceptsImages: true);
        App.ServeMedia("media-photo-1", Png, "image/png");

        await SendAsync("wamid.PHOTO1", "image", new JsonObject { ["mime_type"] = "image/png", ["sha256"] = Sha(Png), ["id"] = "media-photo-1", ["caption"] = "my broken pizza" });

        var userTurn = LastUserTurn();
        var parts = userTurn.GetProperty("content").EnumerateArray().ToList();
        Assert.Contains(parts, p => p.GetProperty("type").GetString() == "text" && p.GetProperty("text").GetString()!.Contains("my broken pizza", StringComparison.Ordinal));
        var image = Assert.Single(parts, p => p.GetProperty("type").GetString() == "image_url");
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(Png), image.GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_model_that_takes_no_images_reads_only_the_caption()
    {
        await ArrangeAsync(acceptsImages: false);
        App.ServeMedia("media-photo-2", Png, "image/png");

        await SendAsync("wamid.PHOTO2", "image", new JsonObject { ["mime_type"] = "image/png", ["sha256"] = Sha(Png), ["id"] = "media-photo-2", ["caption"] = "my broken pizza" });

        var userTurn = LastUserTurn().GetProperty("content").ToString();
        Assert.Contains("[image: my broken pizza]", userTurn, StringComparison.Ordinal);
        Assert.DoesNotContain("image_url", userTurn, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Png), App.LlmRequests()[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_text_of_a_pdf_is_in_the_user_turn_and_not_in_the_system_prompt()
    {
        await ArrangeAsync(acceptsImages: false);
        var pdf = Pdf("Invoice 4711", "Total: 12.50 EUR, due on 15 January.");
        App.ServeMedia("media-pdf-1", pdf, "application/pdf");

        await SendAsync("wamid.PDF1", "document", new JsonObject { ["mime_type"] = "application/pdf", ["sha256"] = Sha(pdf), ["id"] = "media-pdf-1", ["filename"] = "invoice.pdf" });

        var request = App.LlmRequests()[0].GetProperty("messages").EnumerateArray().ToList();
        var userTurn = request[^1].GetProperty("content").ToString();
        Assert.Contains("[document: invoice.pdf (application/pdf, ", userTurn, StringComparison.Ordinal);
        Assert.Contains("Invoice 4711", userTurn, StringComparison.Ordinal);
        Assert.Contains("Total: 12.50 EUR", userTurn, StringComparison.Ordinal);
        Assert.DoesNotContain("4711", request[0].GetProperty("content").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_text_document_is_cut_to_the_knowledge_budget_and_other_files_are_described()
    {
        await ArrangeAsync(acceptsImages: true);
        var text = System.Text.Encoding.UTF8.GetBytes(string.Join("\n\n", Enumerable.Range(1, 2000).Select(i => $"Line {i} of the customer's long notes about the order.")));
        App.ServeMedia("media-txt-1", text, "text/plain");
        var zip = new byte[2048];
        App.ServeMedia("media-zip-1", zip, "application/vnd.ms-excel");

        await SendAsync("wamid.TXT1", "document", new JsonObject { ["mime_type"] = "text/plain", ["sha256"] = Sha(text), ["id"] = "media-txt-1", ["filename"] = "notes.txt" });
        var userTurn = LastUserTurn().GetProperty("content").ToString();
        Assert.Contains("Line 1 of the customer's long notes", userTurn, StringComparison.Ordinal);
        Assert.DoesNotContain("Line 2000 of", userTurn, StringComparison.Ordinal);
        Assert.InRange(userTurn.Length, 1000, 1500 * 4 * 2);

        App.LlmAnswers("Got the sheet.");
        await SendAsync("wamid.XLS1", "document", new JsonObject { ["mime_type"] = "application/vnd.ms-excel", ["sha256"] = Sha(zip), ["id"] = "media-zip-1", ["filename"] = "prices.xls" }, expectedAnswers: 2);
        Assert.Contains("[document: prices.xls (application/vnd.ms-excel, 2 KB)]", LastUserTurn().GetProperty("content").ToString(), StringComparison.Ordinal);
    }

    private async Task ArrangeAsync(bool acceptsImages)
    {
        App.GraphAcceptsEverything();
        App.LlmAnswers("Thanks, I see it.");
        using var admin = App.CreateAdminClient();
        var agent = await HttpAssert.JsonAsync(
            await admin.PostAsJsonAsync("/api/agents", new { name = "Bella", prompt = "You are Bella.", acceptsImages }), HttpStatusCode.Created);
        Assert.Equal(acceptsImages, agent.GetProperty("acceptsImages").GetBoolean());
        await admin.AddNumberAsync(PhoneNumberId, agentId: agent.GetProperty("id").GetGuid());
    }

    private async Task SendAsync(string wamid, string type, JsonObject media, int expectedAnswers = 1)
    {
        using var client = App.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(MediaTestApp.MediaWebhook(PhoneNumberId, Customer, wamid, type, media))).StatusCode);
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count == expectedAnswers, "the answer was sent");
    }

    private JsonElement LastUserTurn()
    {
        var turn = App.LlmRequests()[^1].GetProperty("messages").EnumerateArray().Last();
        Assert.Equal("user", turn.GetProperty("role").GetString());
        return turn;
    }

    private static string Sha(byte[] bytes) => Convert.ToBase64String(SHA256.HashData(bytes));

    private static byte[] Pdf(params string[] lines)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(PageSize.A4);
        for (var i = 0; i < lines.Length; i++)
        {
            page.AddText(lines[i], 12, new PdfPoint(50, 750 - (20 * i)), font);
        }

        return builder.Build();
    }
}
