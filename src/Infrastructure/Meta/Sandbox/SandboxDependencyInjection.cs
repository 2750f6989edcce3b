using CleanAgent.Application.Replies;
using CleanAgent.Application.Sandbox;
using CleanAgent.Application.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.Infrastructure.Meta.Sandbox;

internal static class SandboxDependencyInjection
{
    /// <summary>
    /// Puts the simulated Graph API beside whatever <see cref="IWhatsAppSender"/> is registered (the Graph API client):
    /// a router in front of both sends sandbox numbers to the simulator.
    /// </summary>
    public static IServiceCollection AddSandboxGraphApi(this IServiceCollection services)
    {
        services.AddSingleton<SimulatedGraphApi>();
        services.AddSingleton<IWhatsAppSimulator>(sp => sp.GetRequiredService<SimulatedGraphApi>());
        services.AddHostedService(sp => sp.GetRequiredService<SimulatedGraphApi>());

        var graphApi = services.Last(d => d.ServiceType == typeof(IWhatsAppSender));
        services.Remove(graphApi);
        services.Add(new ServiceDescriptor(
            typeof(IWhatsAppSender),
            sp => new RoutingWhatsAppSender(
                Resolve(graphApi, sp), sp.GetRequiredService<SimulatedGraphApi>(), sp.GetRequiredService<INumberDirectory>()),
            graphApi.Lifetime));
        return services;
    }

    private static IWhatsAppSender Resolve(ServiceDescriptor descriptor, IServiceProvider services) =>
        (IWhatsAppSender)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
