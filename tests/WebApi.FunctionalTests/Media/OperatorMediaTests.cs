using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.WebApi.FunctionalTests.Media;

/// <summary>
/// An operator sends a file through the admin API: kept like the customers' files, committed to the outbox, uploaded to
/// Meta and sent by its media id; what WhatsApp does not send is refused with a clear problem and nothing stored.
/// </summary>
public sealed class OperatorMediaTests(SqliteFileSystemMediaApp app) : DatabaseTest<SqliteFileSystemMediaApp>(app), IClassFixture<SqliteFileSystemMediaApp>
{
    private const string PhoneNumberId = "106540352242955";
    private const string Customer = "16315551184";

    /// <summary>A 1×1 PNG.</summary>
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");

    [Fact]
    public async Task An_operators_image_is_kept_uploaded_and_sent_with_its_caption()
    {
        var conversationId = await CustomerWroteAsync();
        using var admin = App.CreateAdminClient();

        var response = await admin.PostAsync($"/api/conversations/{conversationId}/messages/media", Form(Png, "image/png", "menu.png", "Tonight's menu"));

        var queued = await HttpAssert.JsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("image", queued.GetProperty("type").GetString());
        Assert.Equal("Pending", queued.GetProperty("status").GetString());
        Assert.Equal("api", queued.GetProperty("sentBy").GetString());
        var sent = await ReplyTestApp.EventuallyReadAsync(
            () => App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == queued.GetProperty("id").GetGuid())),
            m => m.Status == Domain.Conversations.MessageStatus.Sent,
            "the image is sent");
        var upload = Assert.Single(await App.UploadsAsync());
        Assert.Equal("image/png", upload.Fields["type"]);
        Assert.Equal("image/png", upload.FileType);
        Assert.Equal(Png, upload.File);
        var send = App.Graph.LogEntries
            .Select(e => e.RequestMessage.Body)
            .Where(b => b is not null && b.Contains("\"type\":\"image\"", StringComparison.Ordinal))
            .Select(b => JsonDocument.Parse(b!).RootElement)
            .Single();
        Assert.Equal(Customer, send.GetProperty("to").GetString());
        Assert.Equal(sent.MediaId, send.GetProperty("image").GetProperty("id").GetString());
        Assert.Equal("Tonight's menu", send.GetProperty("image").GetProperty("caption").GetString());
        var file = await admin.GetAsync($"/api/conversations/{conversationId}/messages/{sent.Id}/media");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(Png, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", file.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_file_WhatsApp_does_not_send_is_refused_with_415_and_nothing_is_stored()
    {
        var conversationId = await CustomerWroteAsync();
        using var admin = App.CreateAdminClient();
        var files = KeptFiles();

        var response = await admin.PostAsync($"/api/conversations/{conversationId}/messages/media", Form("<script>alert(1)</script>"u8.ToArray(), "text/html", "page.html", null));

        var problem = await HttpAssert.JsonAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("text/html", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(files);
    }

    [Fact]
    public async Task An_image_above_Metas_5_MB_is_refused_with_413_and_nothing_is_stored()
    {
        var conversationId = await CustomerWroteAsync();
        using var admin = App.CreateAdminClient();
        var files = KeptFiles();

        var response = await admin.PostAsync($"/api/conversations/{conversationId}/messages/media", Form(new byte[(5 * 1024 * 1024) + 1], "image/jpeg", "big.jpg", null));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        await AssertNothingStoredAsync(files);
    }

    [Fact]
    public async Task No_file_an_empty_file_or_a_long_caption_is_a_400()
    {
        var conversationId = await CustomerWroteAsync();
        using var admin = App.CreateAdminClient();
        var files = KeptFiles();
        using var noFile = new MultipartFormDataContent { { new StringContent("hello"), "caption" } };

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync($"/api/conversations/{conversationId}/messages/media", noFile)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync($"/api/conversations/{conversationId}/messages/media", Form([], "image/png", "empty.png", null))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync($"/api/conversations/{conversationId}/messages/media", Form(Png, "image/png", "a.png", new string('x', 1025)))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/conversations/{Guid.NewGuid()}/messages/media", Form(Png, "image/png", "a.png", null))).StatusCode);
        await AssertNothingStoredAsync(files);
    }

    private async Task AssertNothingStoredAsync(int filesBefore)
    {
        Assert.Equal(0, await App.WithDbAsync(db => db.Messages.CountAsync(m => m.SentBy == "api")));
        Assert.Equal(filesBefore, KeptFiles());
    }

    /// <summary>The files in the media store (the fixture's folder outlives each test's database).</summary>
    private int KeptFiles() => Directory.Exists(App.MediaRoot) ? Directory.EnumerateFiles(App.MediaRoot, "*", SearchOption.AllDirectories).Count() : 0;

    private static MultipartFormDataContent Form(byte[] bytes, string contentType, string fileName, string? caption)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        if (caption is not null)
        {
            form.Add(new StringContent(caption), "caption");
        }

        return form;
    }

    /// <summary>The customer wrote (the 24-hour window is open) and the agent answered; returns the conversation's id.</summary>
    private async Task<Guid> CustomerWroteAsync()
    {
        App.GraphAcceptsEverything();
        App.GraphAcceptsUploads();
        App.LlmAnswers("Hello!");
        using var admin = App.CreateAdminClient();
        var agent = await HttpAssert.JsonAsync(await admin.PostAsJsonAsync("/api/agents", new { name = "Bella", prompt = "You are Bella." }), HttpStatusCode.Created);
        await admin.AddNumberAsync(PhoneNumberId, agentId: agent.GetProperty("id").GetGuid());
        using var client = App.CreateClient();
        var webhook = MediaTestApp.MediaWebhook(PhoneNumberId, Customer, "wamid.OPMEDIA1", "text", new System.Text.Json.Nodes.JsonObject { ["body"] = "Hi, what's on tonight?" });
        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(webhook)).StatusCode);
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count == 1, "the agent answered");
        return (await App.WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync())).Id;
    }
}
