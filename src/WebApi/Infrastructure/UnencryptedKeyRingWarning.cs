namespace CleanAgent.WebApi.Infrastructure;

/// <summary>Says at every start that the key ring is stored unencrypted, when <c>DataProtection:AllowUnencryptedKeyRing</c> allowed it.</summary>
internal sealed partial class UnencryptedKeyRingWarning(IConfiguration configuration, IHostEnvironment environment, ILogger<UnencryptedKeyRingWarning> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() && string.IsNullOrWhiteSpace(configuration["DataProtection:KeyEncryptionKey"]) &&
            configuration.GetValue<bool>("DataProtection:AllowUnencryptedKeyRing"))
        {
            LogUnencrypted(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "DataProtection:AllowUnencryptedKeyRing is set: the key ring is stored unencrypted in the database, so a copy of the database decrypts every app secret and access token. Set DataProtection:KeyEncryptionKey.")]
    private static partial void LogUnencrypted(ILogger logger);
}
