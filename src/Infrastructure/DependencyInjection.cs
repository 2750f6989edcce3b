using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Numbers.Templates;
using CleanAgent.Application.Replies;
using CleanAgent.Application.Webhooks;
using CleanAgent.Infrastructure.Calls;
using CleanAgent.Infrastructure.Jobs;
using CleanAgent.Infrastructure.Meta;
using CleanAgent.Infrastructure.Meta.Sandbox;
using CleanAgent.Infrastructure.Meta.Webhooks;
using CleanAgent.Infrastructure.Persistence;
using CleanAgent.Infrastructure.Security;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.SqlServer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = DatabaseSettings.ParseProvider(configuration["Database:Provider"]);
        var connectionString = configuration.GetConnectionString("CleanAgent") is { Length: > 0 } cs ? cs : DatabaseSettings.DefaultConnectionString;
        if (provider == DatabaseProvider.PostgreSql)
        {
            connectionString = DatabaseSettings.WithNpgsqlDefaults(connectionString);
        }

        switch (provider)
        {
            case DatabaseProvider.PostgreSql:
                // A dropped connection is retried, so a reply Meta accepted still gets its wamid recorded (else it would be sent again).
                // 57P01 is what a connection in use sees when the server ends its backend (restart, failover, pg_terminate_backend).
                services.AddDbContextPool<AppDbContext, PostgresAppDbContext>(o => o.UseNpgsql(connectionString,
                    n => n.EnableRetryOnFailure(maxRetryCount: 6, maxRetryDelay: TimeSpan.FromSeconds(5), errorCodesToAdd: ["57P01"])));
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<AppDbContext, SqlServerAppDbContext>(o => o.UseSqlServer(connectionString, s => s.EnableRetryOnFailure()));
                break;
            default:
                var synchronousNormal = DatabaseSettings.ParseSqliteSynchronousNormal(configuration["Database:SqliteSynchronous"]);
                services.AddDbContextPool<AppDbContext, SqliteAppDbContext>(o =>
                {
                    o.UseSqlite(connectionString);
                    if (synchronousNormal)
                    {
                        o.AddInterceptors(new SqliteSynchronousInterceptor());
                    }
                });
                break;
        }

        services.AddScoped<IApplicationDbContext>(sp => sp.GetRequiredService<AppDbContext>());
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        var dataProtection = services.AddDataProtection()
            .SetApplicationName("CleanAgent")
            .PersistKeysToDbContext<AppDbContext>();
        if (AesGcmXmlEncryptor.ReadKey(configuration) is { } keyEncryptionKey)
        {
            dataProtection.Services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new AesGcmXmlEncryptor(keyEncryptionKey));
        }
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();

        services.AddSingleton<IWebhookPayloadReader, MetaWebhookPayloadReader>();
        services.AddSingleton<IWebhookSignatureVerifier, HmacWebhookSignatureVerifier>();
        services.AddSingleton<INumberDirectory, CachedNumberDirectory>();
        services.AddScoped<ChangeTrackedWebhookDeliveryWriter>();
        services.AddScoped<IWebhookDeliveryWriter, WebhookDeliveryWriter>();
        // Every options class is bound here, next to what uses it; the Meta section feeds two (webhook and sending).
        services.Configure<WebhookOptions>(configuration.GetSection(Meta.MetaOptions.SectionName));
        services.AddSingleton<BatchingWebhookDeliveryQueue>();
        services.AddSingleton<IWebhookDeliveryQueue>(sp => sp.GetRequiredService<BatchingWebhookDeliveryQueue>());
        services.AddHostedService(sp => sp.GetRequiredService<BatchingWebhookDeliveryQueue>());

        services.Configure<ReplyOptions>(configuration.GetSection("WhatsApp"));
        services.Configure<HandoffOptions>(configuration.GetSection("Handoff"));
        services.AddHostedService<IdleHandoffSweeper>();
        services.AddMemoryCache();
        services.AddSingleton<TemplateListCache>();
        services.AddSingleton<ITemplateListCache>(sp => sp.GetRequiredService<TemplateListCache>());
        services.AddHttpClient<ITemplateCatalog, GraphApiTemplateCatalog>((sp, client) =>
            client.Timeout = TimeSpan.FromSeconds(Math.Max(1, sp.GetRequiredService<IOptions<MetaOptions>>().Value.TimeoutSeconds)));
        services.AddSingleton<ReplyDispatcher>();
        services.AddSingleton<IReplyScheduler>(sp => sp.GetRequiredService<ReplyDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<ReplyDispatcher>());
        services.AddTransient<ReplyToConversationJob>();
        services.AddHostedService<PendingReplySweeper>();
        services.AddSingleton<RawPayloadRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<RawPayloadRetention>());
        services.AddCalls(configuration);

        // First attempts run in-process (ReplyDispatcher); Hangfire's workers run only the retries of replies that the
        // model or Meta could not take at first, so a few suffice.
        var workerCount = configuration.GetValue<int?>("Hangfire:WorkerCount") is > 0 and var workers
            ? workers
            : Math.Max(10, Environment.ProcessorCount * 2);
        services.AddSingleton<ReplyRetryFilter>();
        services.AddHangfire((sp, config) =>
        {
            config.UseFilter(sp.GetRequiredService<ReplyRetryFilter>());
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();

            // Hangfire's default CaptureCulture filter reads two job parameters per job, each a query on
            // Hangfire.PostgreSql (16% of the service's CPU in the reply bench). Reply jobs format nothing by culture.
            foreach (var filter in GlobalJobFilters.Filters.Where(f => f.Instance is CaptureCultureAttribute).ToList())
            {
                GlobalJobFilters.Filters.Remove(filter.Instance);
            }
            switch (provider)
            {
                case DatabaseProvider.PostgreSql:
                    config.UsePostgreSqlStorage(
                        c => c.UseNpgsqlConnection(HangfireConnectionString(connectionString, workerCount)),
                        new PostgreSqlStorageOptions { EnableLongPolling = true, PrepareSchemaIfNecessary = true });
                    break;
                case DatabaseProvider.SqlServer:
                    config.UseSqlServerStorage(connectionString, new SqlServerStorageOptions
                    {
                        // A zero poll interval makes workers wait on the queue instead of polling every 15 s.
                        QueuePollInterval = TimeSpan.Zero,
                        SlidingInvisibilityTimeout = TimeSpan.FromMinutes(5),
                        UseRecommendedIsolationLevel = true,
                        DisableGlobalLocks = true,
                    });
                    break;
                default:
                    config.UseInMemoryStorage();
                    break;
            }
        });
        services.AddHangfireServer(o =>
        {
            o.WorkerCount = workerCount;
            // Retries are delayed jobs; look for due ones every second, not every 15 s.
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });

        // Replies: Graph API sender, reply generators, knowledge (see RepliesDependencyInjection.cs).
        services.AddRepliesInfrastructure(configuration);
        services.AddSandboxGraphApi();
        services.AddMediaInfrastructure(configuration);

        return services;
    }

    /// <summary>
    /// Hangfire gets a pool of its own (Npgsql pools by connection string): a burst of webhooks waiting for EF Core's
    /// connections must not leave the reply workers without one, nor the other way round.
    /// </summary>
    private static string HangfireConnectionString(string connectionString, int workerCount)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        builder.ApplicationName = string.IsNullOrEmpty(builder.ApplicationName) ? "CleanAgent Hangfire" : builder.ApplicationName + " (Hangfire)";
        // A worker waiting for a job holds two (the fetch and, with long polling, a LISTEN of its own); the server's
        // loops (heartbeat, scheduler, expiration) a few more.
        builder.MaxPoolSize = Math.Min(builder.MaxPoolSize, (2 * workerCount) + 10);
        return builder.ConnectionString;
    }
}
