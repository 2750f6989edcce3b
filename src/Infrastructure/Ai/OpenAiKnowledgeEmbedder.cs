using System.ClientModel;
using System.ClientModel.Primitives;
using CleanAgent.Application.Agents.Knowledge;
using CleanAgent.Infrastructure.Knowledge;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;

namespace CleanAgent.Infrastructure.Ai;

/// <summary>
/// Vectors from an OpenAI-compatible <c>/v1/embeddings</c> endpoint through Microsoft.Extensions.AI's
/// <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/>, a batch of texts per request. A failure is a warning and
/// no vectors: the upload is stored and the question answered by lexical search alone.
/// </summary>
internal sealed partial class OpenAiKnowledgeEmbedder : IKnowledgeEmbedder, IDisposable
{
    public const string HttpClientName = "embeddings";

    /// <summary>Texts per request: a 48,000-row file is 750 requests, each well under the endpoints' input limits.</summary>
    internal const int BatchSize = 64;

    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly EmbeddingGenerationOptions? _options;
    private readonly ILogger<OpenAiKnowledgeEmbedder> _logger;

    public OpenAiKnowledgeEmbedder(IHttpClientFactory httpClients, IOptions<AiOptions> options, ILogger<OpenAiKnowledgeEmbedder> logger)
    {
        var ai = options.Value;
        Model = ai.EmbeddingModel!.Trim();
        _logger = logger;
        var clientOptions = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(httpClients.CreateClient(HttpClientName)),
            NetworkTimeout = TimeSpan.FromSeconds(Math.Max(1, ai.EmbeddingTimeoutSeconds)),

            // A question waits for its vector: one quick retry at most, then lexical search alone.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 1),
        };
        if (OpenAiChatClientFactory.ResolveEndpoint(string.IsNullOrWhiteSpace(ai.EmbeddingEndpoint) ? ai.Endpoint : ai.EmbeddingEndpoint) is { } endpoint)
        {
            clientOptions.Endpoint = endpoint;
        }

        var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(ai.ApiKey) ? "none" : ai.ApiKey), clientOptions);
        _generator = client.GetEmbeddingClient(Model).AsIEmbeddingGenerator();
        _options = ai.EmbeddingDimensions is > 0 and var dimensions ? new EmbeddingGenerationOptions { Dimensions = dimensions } : null;
    }

    public string? Model { get; }

    public async Task<IReadOnlyList<byte[]>?> TryEmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new List<byte[]>(texts.Count);
        try
        {
            foreach (var batch in texts.Chunk(BatchSize))
            {
                var embeddings = await _generator.GenerateAsync(batch, _options, cancellationToken);
                if (embeddings.Count != batch.Length)
                {
                    LogUnusable(_logger, Model!, $"{embeddings.Count} vectors for {batch.Length} texts");
                    return null;
                }

                foreach (var embedding in embeddings)
                {
                    var vector = KnowledgeVectors.Quantize(embedding.Vector.Span);
                    if (vector.Length == 0 || (vectors.Count > 0 && vector.Length != vectors[0].Length) || !vector.AsSpan().ContainsAnyExcept((byte)0))
                    {
                        LogUnusable(_logger, Model!, $"a vector of {embedding.Vector.Length} dimensions, zero or unlike the others");
                        return null;
                    }

                    vectors.Add(vector);
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(_logger, Model!, exception.GetType().Name, (exception as ClientResultException)?.Status ?? 0);
            return null;
        }

        return vectors;
    }

    public void Dispose() => _generator.Dispose();

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The embeddings endpoint failed for model {Model} ({Error}, HTTP status {Status}); knowledge is searched by its words only")]
    private static partial void LogFailed(ILogger logger, string model, string error, int status);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The embeddings endpoint answered unusable vectors for model {Model} ({Problem}); knowledge is searched by its words only")]
    private static partial void LogUnusable(ILogger logger, string model, string problem);
}

/// <summary>No <c>Ai:EmbeddingModel</c>: no vectors, no network.</summary>
internal sealed class NoKnowledgeEmbedder : IKnowledgeEmbedder
{
    public string? Model => null;

    public Task<IReadOnlyList<byte[]>?> TryEmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<byte[]>?>(null);
}
