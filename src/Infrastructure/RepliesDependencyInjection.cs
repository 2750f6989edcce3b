using CleanAgent.Application.Replies;
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
        services.AddSingleton<SendPacer>();
        services.AddHttpClient<IWhatsAppSender, GraphApiWhatsAppSender>((sp, client) =>
            client.Timeout = TimeSpan.FromSeconds(Math.Max(1, sp.GetRequiredService<IOptions<MetaOptions>>().Value.TimeoutSeconds)));

        return services;
    }
}
