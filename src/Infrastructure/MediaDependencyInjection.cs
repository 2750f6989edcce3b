using System.ClientModel;
using System.ClientModel.Primitives;
using CleanAgent.Application.Media;
using CleanAgent.Application.Speech;
using CleanAgent.Infrastructure.Ai;
using CleanAgent.Infrastructure.Jobs;
using CleanAgent.Infrastructure.Media;
using CleanAgent.Infrastructure.Meta;
using CleanAgent.Infrastructure.Meta.Sandbox;
using CleanAgent.Infrastructure.Speech;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenAI;

namespace CleanAgent.Infrastructure;

/// <summary>Media and speech: Meta's media endpoints, the media store, retention, and the speech endpoints.</summary>
internal static class MediaDependencyInjection
{
    public const string SpeechHttpClientName = "speech";

    public static IServiceCollection AddMediaInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<MediaOptions>(configuration.GetSection(MediaOptions.SectionName));
        services.Configure<MediaStoreOptions>(configuration.GetSection(MediaStoreOptions.SectionName));
        switch (MediaStoreOptions.ParseStore(configuration["Media:Store"]))
        {
            case MediaStoreKind.Database:
                services.AddSingleton<IMediaStore, DatabaseMediaStore>();
                break;
            default:
                services.AddSingleton<IMediaStore, FileSystemMediaStore>();
                break;
        }

        // A 100 MB document takes longer than a send: the download gets at least two minutes.
        services.AddHttpClient<GraphApiMediaClient>((sp, client) =>
            client.Timeout = TimeSpan.FromSeconds(Math.Max(120, sp.GetRequiredService<IOptions<MetaOptions>>().Value.TimeoutSeconds)));
        services.AddScoped<IWhatsAppMediaClient, RoutingMediaClient>();
        services.AddSingleton<MediaRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<MediaRetention>());

        services.Configure<SpeechOptions>(configuration.GetSection(SpeechOptions.SectionName));
        switch (SpeechOptions.ParseProvider(configuration["Speech:Provider"]))
        {
            case SpeechProvider.OpenAI:
                services.AddHttpClient(SpeechHttpClientName, (sp, client) =>
                    client.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<SpeechOptions>>().Value.TimeoutSeconds + 10));
                services.AddSingleton(sp => CreateClient(sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IOptions<SpeechOptions>>().Value));
                services.AddSingleton<ISpeechToTextClient>(sp =>
                    new OpenAiAudioSpeechToTextClient(sp.GetRequiredService<SpeechClient>().Client, sp.GetRequiredService<IOptions<SpeechOptions>>().Value.SttModel));
                services.AddSingleton<ISpeechTranscriber, SpeechToTextTranscriber>();
                services.AddSingleton<ITextToSpeechClient>(sp =>
                {
                    var speech = sp.GetRequiredService<IOptions<SpeechOptions>>().Value;
                    return new OpenAiAudioTextToSpeechClient(sp.GetRequiredService<SpeechClient>().Client, speech.TtsModel, speech.TtsVoice);
                });
                services.AddSingleton<ISpeechSynthesizer, TextToSpeechSynthesizer>();
                break;
            default:
                services.AddSingleton<NoSpeech>();
                services.AddSingleton<ISpeechTranscriber>(sp => sp.GetRequiredService<NoSpeech>());
                services.AddSingleton<ISpeechSynthesizer>(sp => sp.GetRequiredService<NoSpeech>());
                break;
        }

        return services;
    }

    private static SpeechClient CreateClient(IHttpClientFactory httpClients, SpeechOptions speech)
    {
        var options = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(httpClients.CreateClient(SpeechHttpClientName)),
            NetworkTimeout = TimeSpan.FromSeconds(speech.TimeoutSeconds),

            // The reply's retry clock tries again later; retrying here too would multiply the wait.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        if (OpenAiChatClientFactory.ResolveEndpoint(speech.Endpoint) is { } endpoint)
        {
            options.Endpoint = endpoint;
        }

        return new SpeechClient(new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(speech.ApiKey) ? "none" : speech.ApiKey), options));
    }
}

/// <summary>The OpenAI client of the speech endpoint (apart from the LLM's: they often differ).</summary>
internal sealed record SpeechClient(OpenAIClient Client);
