using System.Text.Json.Serialization;
using CleanAgent.Application.Agents.CreateAgent;
using CleanAgent.Application.Common.Behaviors;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.WebApi.Dashboard;
using CleanAgent.WebApi.Infrastructure;
using CleanAgent.WebApi.Infrastructure.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace CleanAgent.WebApi;

internal static class DependencyInjection
{
    public static IServiceCollection AddWebApi(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddMediator((MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.Assemblies = [typeof(CreateAgentCommand)];
            options.PipelineBehaviors = [typeof(UnhandledExceptionBehavior<,>), typeof(ValidationBehavior<,>), typeof(PerformanceBehavior<,>)];
        });

        services.AddControllers()
            .AddJsonOptions(o =>
            {
                o.JsonSerializerOptions.Converters.Add(new JsonStringEnumConverter());
                o.AllowInputFormatterExceptionMessages = false; // the serializer's messages name CLR types
            })
            .ConfigureApiBehaviorOptions(o => o.InvalidModelStateResponseFactory = InvalidModelStateProblem.Create);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailsSetup.Customize);
        services.AddSingleton<Microsoft.AspNetCore.Mvc.Infrastructure.IClientErrorFactory, ClientErrorProblem.Factory>();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddHttpContextAccessor();
        services.AddSecurityHeaders();
        services.AddScoped<IPublicUrls, PublicUrls>();
        services.AddWebhookRateLimits(configuration);
        services.AddFailingClientLimit(configuration);

        // Read now, not inside the options lambda: a missing key must stop start-up, not fail the first request.
        var apiKeys = ReadApiKeys(configuration, environment);
        RequireKeyEncryption(configuration, environment);
        services.AddHostedService<UnencryptedKeyRingWarning>();
        services.Configure<ApiKeyOptions>(o => o.ApiKeys.AddRange(apiKeys));
        // Two kinds of people: operators sign in to the dashboard (cookie, the default scheme, so pages challenge with a
        // redirect to /login); integrations call /api/* with X-Api-Key, and the controllers ask for that scheme only.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddDashboard();

        services.AddAdminApiDocument();

        return services;
    }

    /// <summary>Admin keys are bearer secrets typed by people: outside Development, long enough not to be guessed.</summary>
    public const int MinApiKeyLength = 32;

    /// <summary>
    /// Outside Development the key ring must be encrypted with <c>DataProtection:KeyEncryptionKey</c>: it sits in the
    /// database beside the secrets it protects, so a copy of the database would otherwise decrypt them all.
    /// </summary>
    private static void RequireKeyEncryption(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment() || !string.IsNullOrWhiteSpace(configuration["DataProtection:KeyEncryptionKey"]) ||
            configuration.GetValue<bool>("DataProtection:AllowUnencryptedKeyRing"))
        {
            return;
        }

        throw new InvalidOperationException(
            "DataProtection:KeyEncryptionKey is not set: the key ring that encrypts app secrets and access tokens would be stored unencrypted " +
            "beside them. Set DataProtection__KeyEncryptionKey=$(openssl rand -base64 32) and keep it outside the database, or set " +
            "DataProtection:AllowUnencryptedKeyRing=true to accept the risk.");
    }

    private static List<string> ReadApiKeys(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection("Admin:ApiKeys");
        var keys = section.GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!).ToList();
        if (keys.Count == 0 && !string.IsNullOrWhiteSpace(section.Value))
        {
            keys.AddRange(section.Value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        if (!environment.IsDevelopment() && keys.FirstOrDefault(k => k.Length < MinApiKeyLength) is { } weak)
        {
            throw new InvalidOperationException(
                $"An admin API key in Admin:ApiKeys has {weak.Length} characters; outside Development each must have at least {MinApiKeyLength} (openssl rand -hex 24).");
        }

        if (keys.Count == 0)
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "No admin API key is configured. Set Admin:ApiKeys (environment: Admin__ApiKeys__0=<a long random key>) before starting CleanAgent outside Development.");
            }

            keys.Add(ApiKeyOptions.DevelopmentKey);
        }

        return keys;
    }
}
