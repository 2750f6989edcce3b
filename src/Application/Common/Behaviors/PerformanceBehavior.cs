using System.Diagnostics;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Application.Common.Behaviors;

public sealed partial class PerformanceBehavior<TMessage, TResponse>(ILogger<PerformanceBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private const long SlowMilliseconds = 500;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is IBackgroundCommand)
        {
            return await next(message, cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        var response = await next(message, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed.TotalMilliseconds > SlowMilliseconds)
        {
            LogSlow(logger, typeof(TMessage).Name, (long)elapsed.TotalMilliseconds);
        }

        return response;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestName} took {ElapsedMilliseconds} ms")]
    private static partial void LogSlow(ILogger logger, string requestName, long elapsedMilliseconds);
}
