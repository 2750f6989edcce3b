using CleanAgent.Application.Agents.Knowledge;
using CleanAgent.Application.Replies;
using CleanAgent.Infrastructure.Ai;
using CleanAgent.Infrastructure.Jobs;
using CleanAgent.Infrastructure.Knowledge;
using CleanAgent.Infrastructure.Meta;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure;

/// <summary>The outbound side of a reply: Graph API sender, reply generators, knowledge files and search.</summary>
internal static class RepliesDependencyInjection
{
    public static IServiceCollection AddRepliesInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<MetaOptions>(configuration.GetSection(MetaOptions.SectionName));
        services.AddSingleton<ISendPacer, SendPacer>();
        // Sends are held to Meta:TimeoutSeconds per request by the sender; an upload (up to 100 MB) gets at least two minutes, as downloads do.
        services.AddHttpClient<IWhatsAppSender, GraphApiWhatsAppSender>((sp, client) =>
            client.Timeout = TimeSpan.FromSeconds(Math.Max(120, sp.GetRequiredService<IOptions<MetaOptions>>().Value.TimeoutSeconds)));

        services.Configure<KnowledgeOptions>(configuration.GetSection(KnowledgeOptions.SectionName));
        services.AddSingleton<IKnowledgeFileReader, KnowledgeFileReader>();
        services.AddSingleton<KnowledgeIndexCache>();
        services.AddScoped<IKnowledgeDocumentWriter, KnowledgeDocumentWriter>();
        services.AddScoped<IKnowledgeSearch, LuceneKnowledgeSearch>();
        services.AddTransient<KnowledgeEmbeddingJob>();
        services.AddHostedService<KnowledgeEmbeddingSchedule>();

        services.Configure<AiOptions>(configuration.GetSection(AiOptions.SectionName));
        if (string.IsNullOrWhiteSpace(configuration["Ai:EmbeddingModel"]))
        {
            services.AddSingleton<IKnowledgeEmbedder, NoKnowledgeEmbedder>();
        }
        else
        {
            services.AddHttpClient(OpenAiKnowledgeEmbedder.HttpClientName, (sp, client) =>
                client.Timeout = TimeSpan.FromSeconds(Math.Max(1, sp.GetRequiredService<IOptions<AiOptions>>().Value.EmbeddingTimeoutSeconds) + 5));
            services.AddSingleton<IKnowledgeEmbedder, OpenAiKnowledgeEmbedder>();
        }

        switch (ParseProvider(configuration["Ai:Provider"]))
        {
            case AiProvider.OpenAI:
                services.AddHttpClient(OpenAiChatClientFactory.HttpClientName, (sp, client) =>
                    client.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<AiOptions>>().Value.TimeoutSeconds + 10));
                services.AddSingleton<IChatClientFactory, OpenAiChatClientFactory>();
                services.AddScoped<IReplyGenerator, ChatClientReplyGenerator>();
                break;
            default:
                services.AddSingleton<IReplyGenerator, OfflineReplyGenerator>();
                break;
        }

        return services;
    }

    internal static AiProvider ParseProvider(string? value) =>
        string.IsNullOrWhiteSpace(value) ? AiProvider.Offline
        : Enum.TryParse<AiProvider>(value.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider) ? provider
        : throw new InvalidOperationException($"Ai:Provider '{value}' is not supported. Use 'Offline' (no network) or 'OpenAI' (any OpenAI-compatible endpoint).");
}
