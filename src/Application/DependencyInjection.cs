using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.Application;

public static class DependencyInjection
{
    /// <summary>Registers the validators and the helpers of use cases; the mediator itself is generated and registered by the WebApi.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddValidatorsFromAssemblyContaining(typeof(DependencyInjection), includeInternalTypes: true);
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<Replies.GenerateReply.ReplyPrompt>();
        services.AddScoped<Replies.ReplyReferences>();
        services.AddSingleton<Replies.ReferenceDataCache>();
        services.AddScoped<Replies.PrepareReply.MediaDownloads>();
        services.AddScoped<Replies.RenderReply.ReplyRenderer>();
        services.AddScoped<Replies.GenerateReply.CustomerAttachments>();
        services.AddScoped<Replies.DeliverOutbox.OutboundMediaDelivery>();
        return services;
    }
}
