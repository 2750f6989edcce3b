using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CleanAgent.WebApi.FunctionalTests.Support;

namespace CleanAgent.WebApi.FunctionalTests.Security;

/// <summary>Multipart bodies an admin-key holder (or a confused client) can send: a clear 400, nothing stored.</summary>
public sealed class MalformedUploadTests(SqliteApp app) : DatabaseTest<SqliteApp>(app), IClassFixture<SqliteApp>
{
    private const string Boundary = "XyZ123";

    public static TheoryData<string, string> Bodies()
    {
        var part = $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"faq.txt\"\r\nContent-Type: text/plain\r\n\r\nWe open at 9.\r\n";
        var manyParts = string.Concat(Enumerable.Range(0, 1100).Select(i =>
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv\r\n")) + $"--{Boundary}--\r\n";
        var hugeHeader = $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{new string('a', 40_000)}.txt\"\r\n\r\nx\r\n--{Boundary}--\r\n";
        var manyHeaders = $"--{Boundary}\r\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"X-H{i}: v\r\n")) +
            "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nx\r\n" + $"--{Boundary}--\r\n";
        return new TheoryData<string, string>
        {
            { "no closing boundary", part },
            { "cut inside a part header", $"--{Boundary}\r\nContent-Disposition: form-da" },
            { "too many parts", manyParts },
            { "a huge part header", hugeHeader },
            { "too many part headers", manyHeaders },
            { "no boundary at all", "just some text" },
        };
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_malformed_multipart_upload_is_a_400_problem_and_stores_nothing(string what, string body)
    {
        using var client = App.CreateAdminClient();
        var created = await client.PostAsJsonAsync("/api/agents", new { name = "Shop " + what, prompt = "You help customers." });
        var agentId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");

        var response = await client.PostAsync($"/api/agents/{agentId}/knowledge", content);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        var documents = await client.GetFromJsonAsync<JsonElement>($"/api/agents/{agentId}/knowledge");
        Assert.Equal(0, documents.GetArrayLength());
        Assert.DoesNotContain(App.Logs.GetSnapshot(), r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task A_malformed_multipart_number_form_is_not_a_500_either()
    {
        using var client = App.CreateAdminClient();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");

        var response = await client.PostAsync("/api/whatsapp-numbers", content);

        Assert.InRange((int)response.StatusCode, 400, 499);
    }
}
