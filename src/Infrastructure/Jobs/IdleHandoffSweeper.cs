using CleanAgent.Application.Conversations.ResumeIdleConversations;
using CleanAgent.Application.Replies;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Jobs;

/// <summary>Every <see cref="HandoffOptions.IdleCheckSeconds"/>, hands conversations that a person left idle back to the agent.</summary>
internal sealed partial class IdleHandoffSweeper(
    IServiceScopeFactory scopes, IOptions<HandoffOptions> options, TimeProvider time, ILogger<IdleHandoffSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.IdleMinutes <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.IdleCheckSeconds)), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var resumed = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ResumeIdleConversationsCommand(), stoppingToken);
                if (resumed > 0)
                {
                    LogResumed(logger, resumed);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} idle conversation(s) went back to the agent")]
    private static partial void LogResumed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for idle handed-over conversations failed; trying again shortly")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
