using System.Net;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CleanAgent.WebApi.ContractTests;

/// <summary>
/// The admin API's contract: the document the service serves is the one committed as <c>docs/openapi.json</c>
/// (an API change is then a diff in review), and the generated client is made from that one.
/// <c>scripts/update-openapi.sh</c> rewrites both, the document by running the first test with
/// <see cref="UpdateVariable"/> set.
/// </summary>
public sealed partial class OpenApiDocumentTests : IAsyncLifetime
{
    public const string UpdateVariable = "CLEANAGENT_UPDATE_OPENAPI";
    private const string Regenerate = "Run `bash scripts/update-openapi.sh` and commit the result.";

    private readonly ContractApp _app = new();
    private string _served = "";

    public async Task InitializeAsync()
    {
        using var client = _app.CreateClient();
        _served = await ServedAsync(client);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Served_document_is_the_committed_docs_openapi_json()
    {
        var path = RepositoryFile("docs", "openapi.json");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(path, _served);
        }

        var committed = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";
        Assert.True(committed == _served, "docs/openapi.json differs from the document the service serves. " + Regenerate);
    }

    [Fact]
    public async Task Generated_client_is_made_from_the_committed_document()
    {
        var document = await File.ReadAllBytesAsync(RepositoryFile("docs", "openapi.json"));
        var recorded = (await File.ReadAllTextAsync(RepositoryFile("tests", "AdminApiClient", "openapi.sha256"))).Trim();

        Assert.True(
            Convert.ToHexStringLower(SHA256.HashData(document)) == recorded,
            "tests/AdminApiClient was generated from another docs/openapi.json. " + Regenerate);
    }

    [Fact]
    public void Every_operation_has_a_verb_resource_operationId_a_summary_a_description_and_a_tag()
    {
        var ids = new List<string>();
        foreach (var (path, method, operation) in Operations())
        {
            var id = operation["operationId"]?.GetValue<string>();
            Assert.True(id is not null && OperationId().IsMatch(id), $"{method} {path}: operationId '{id}' is not Verb + Resource.");
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{id}: no summary");
            Assert.False(string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()), $"{id}: no description");
            var tag = Assert.Single(operation["tags"]!.AsArray())!.GetValue<string>();
            Assert.Contains(Document()["tags"]!.AsArray(), t => t!["name"]!.GetValue<string>() == tag && t["description"] is not null);
            ids.Add(id!);
        }

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("GetAgent", ids);
        Assert.Contains("ListConversations", ids);
    }

    [Fact]
    public void Admin_operations_need_the_api_key_and_document_401_and_the_webhook_needs_none()
    {
        var document = Document();
        Assert.Null(document["security"]);
        var scheme = Assert.Single(document["components"]!["securitySchemes"]!.AsObject());
        Assert.Equal("apiKey", scheme.Value!["type"]!.GetValue<string>());
        Assert.Equal("header", scheme.Value["in"]!.GetValue<string>());
        Assert.Equal("X-Api-Key", scheme.Value["name"]!.GetValue<string>());

        foreach (var (path, method, operation) in Operations())
        {
            var security = operation["security"]!.AsArray();
            if (path.StartsWith("/api/meta-webhook", StringComparison.Ordinal))
            {
                Assert.Empty(security);
            }
            else
            {
                var requirement = Assert.Single(security)!.AsObject();
                Assert.True(requirement.ContainsKey(scheme.Key), $"{method} {path} does not require {scheme.Key}");
                Assert.NotNull(operation["responses"]!["401"]);
            }
        }
    }

    [Fact]
    public void Every_answer_has_a_description_and_every_error_is_a_problem_with_its_schema()
    {
        foreach (var (path, method, operation) in Operations())
        {
            var responses = operation["responses"]!.AsObject();
            Assert.Contains(responses, r => r.Key.StartsWith('2'));
            foreach (var (code, response) in responses)
            {
                Assert.False(string.IsNullOrWhiteSpace(response!["description"]?.GetValue<string>()), $"{method} {path} {code}: no description");
                if (code is "204")
                {
                    Assert.Null(response["content"]);
                    continue;
                }

                var content = Assert.Single(response["content"]!.AsObject());
                Assert.NotNull(content.Value!["schema"]);
                if (code[0] is '4' or '5')
                {
                    Assert.Equal("application/problem+json", content.Key);
                    var expected = code == "400" && path.StartsWith("/api/meta-webhook", StringComparison.Ordinal) is false ? "ValidationProblemDetails" : "ProblemDetails";
                    Assert.Equal("#/components/schemas/" + expected, content.Value["schema"]!["$ref"]?.GetValue<string>());
                }
            }
        }
    }

    [Fact]
    public void Problems_carry_a_trace_id_and_enums_are_strings_with_their_values()
    {
        var schemas = Document()["components"]!["schemas"]!;

        Assert.NotNull(schemas["ProblemDetails"]!["properties"]!["traceId"]);
        Assert.NotNull(schemas["ValidationProblemDetails"]!["properties"]!["traceId"]);
        Assert.Equal(["Inbound", "Outbound"], Values(schemas["MessageDirection"]!));
        Assert.Equal(Enum.GetNames<CleanAgent.Domain.Conversations.MessageStatus>(), Values(schemas["MessageStatus"]!));
        Assert.Contains("Received", Values(schemas["MessageStatus"]!));
        Assert.Equal(["Active", "Inactive"], Values(schemas["NumberStatus"]!));

        static string[] Values(JsonNode schema)
        {
            Assert.Equal("string", schema["type"]!.GetValue<string>());
            return [.. schema["enum"]!.AsArray().Select(v => v!.GetValue<string>())];
        }
    }

    [Fact]
    public void Json_request_bodies_have_an_example()
    {
        foreach (var (path, method, operation) in Operations())
        {
            if (operation["requestBody"]?["content"]?["application/json"] is { } json && !path.StartsWith("/api/meta-webhook", StringComparison.Ordinal))
            {
                Assert.True(json["example"] is JsonObject, $"{method} {path}: no example");
            }
        }
    }

    [Fact]
    public void Unbounded_lists_share_one_page_envelope_and_the_same_parameters()
    {
        foreach (var id in new[] { "ListConversations", "ListConversationMessages" })
        {
            var operation = Operations().Single(o => o.Operation["operationId"]!.GetValue<string>() == id).Operation;
            var parameters = operation["parameters"]!.AsArray().Where(p => p!["in"]!.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>());
            Assert.Contains("page", parameters);
            Assert.Contains("pageSize", parameters);
            var reference = operation["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
            var envelope = Document()["components"]!["schemas"]![reference.Split('/')[^1]]!["properties"]!.AsObject().Select(p => p.Key);
            Assert.Equal(["items", "page", "pageSize", "totalCount", "totalPages"], envelope);
        }
    }

    [Fact]
    public async Task Server_is_PublicBaseUrl_when_set_and_this_host_otherwise()
    {
        await using var configured = new ContractApp().WithSetting("PublicBaseUrl", "https://agents.example.com/");
        using var client = configured.CreateClient();

        var document = JsonNode.Parse(await ServedAsync(client))!;

        Assert.Equal("https://agents.example.com", Assert.Single(document["servers"]!.AsArray())!["url"]!.GetValue<string>());
        Assert.Equal("/", Assert.Single(Document()["servers"]!.AsArray())!["url"]!.GetValue<string>());
    }

    private JsonNode Document() => JsonNode.Parse(_served)!;

    private IEnumerable<(string Path, string Method, JsonNode Operation)> Operations()
    {
        foreach (var (path, item) in Document()["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                yield return (path, method, operation!);
            }
        }
    }

    /// <summary>The served document, indented the same way every time so that a diff shows only real changes.</summary>
    private static async Task<string> ServedAsync(HttpClient client)
    {
        var response = await client.GetAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        return node.ToJsonString(options).ReplaceLineEndings("\n") + "\n";
    }

    private static string RepositoryFile(params string[] parts)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CleanAgent.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return Path.Combine([directory.FullName, .. parts]);
    }

    /// <summary>A verb and a resource in PascalCase: <c>GetAgent</c>, <c>ListConversations</c>, <c>RetryOutboundMessage</c>.</summary>
    [GeneratedRegex("^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$")]
    private static partial Regex OperationId();
}
