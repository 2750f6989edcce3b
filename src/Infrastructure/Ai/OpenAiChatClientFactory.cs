using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace CleanAgent.Infrastructure.Ai;

internal sealed class OpenAiChatClientFactory : IChatClientFactory, IDisposable
{
    public const string HttpClientName = "llm";

    private readonly OpenAIClient _client;
    private readonly ConcurrentDictionary<string, IChatClient> _clients = new(StringComparer.Ordinal);

    public OpenAiChatClientFactory(IHttpClientFactory httpClients, IOptions<AiOptions> options)
    {
        var ai = options.Value;
        var clientOptions = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(httpClients.CreateClient(HttpClientName)),
            NetworkTimeout = TimeSpan.FromSeconds(ai.TimeoutSeconds),

            // Hangfire retries the whole reply job with backoff; retrying here too would multiply the wait.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        if (ResolveEndpoint(ai.Endpoint) is { } endpoint)
        {
            clientOptions.Endpoint = endpoint;
        }

        _client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(ai.ApiKey) ? "none" : ai.ApiKey), clientOptions);
    }

    public IChatClient ForModel(string model) =>
        _clients.GetOrAdd(model, m => _client.GetChatClient(m).AsIChatClient());

    /// <summary>"http://localhost:11434" becomes ".../v1"; a URL with a path (Azure's ".../openai/v1") is kept.</summary>
    internal static Uri? ResolveEndpoint(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        if (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException($"Ai:Endpoint '{configured}' is not an absolute URL.");
        }

        return uri.AbsolutePath is "" or "/" ? new Uri(uri, "/v1") : uri;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
