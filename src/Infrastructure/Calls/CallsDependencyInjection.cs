using CleanAgent.Application.Calls;
using CleanAgent.Infrastructure.Meta;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Calls;

/// <summary>WhatsApp voice calls: the Graph API's call actions, the Janus sidecar's HTTP API, the live-call engine.</summary>
internal static class CallsDependencyInjection
{
    public static IServiceCollection AddCalls(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<CallsOptions>(configuration.GetSection(CallsOptions.SectionName));
        services.Configure<CallOptions>(configuration.GetSection(CallOptions.SectionName));
        services.AddHttpClient<IWhatsAppCallControl, GraphApiCallControl>((sp, client) =>
            client.Timeout = TimeSpan.FromSeconds(Math.Max(1, sp.GetRequiredService<IOptions<MetaOptions>>().Value.TimeoutSeconds)));

        // Janus holds a long-poll for up to 30 s before it answers with a keepalive.
        services.AddHttpClient(CallCenter.JanusHttpClient, client => client.Timeout = TimeSpan.FromSeconds(60));
        services.AddSingleton<CallCenter>();
        services.AddSingleton<ICallSignals>(sp => sp.GetRequiredService<CallCenter>());
        services.AddHostedService(sp => sp.GetRequiredService<CallCenter>());
        return services;
    }
}
