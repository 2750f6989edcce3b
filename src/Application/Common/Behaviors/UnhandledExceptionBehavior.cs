using CleanAgent.Application.Common.Exceptions;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Application.Common.Behaviors;

public sealed partial class UnhandledExceptionBehavior<TMessage, TResponse>(ILogger<UnhandledExceptionBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception ex) when (!ExpectedFailure.Is(ex))
        {
            LogUnhandled(logger, ex, typeof(TMessage).Name);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestName} failed")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string requestName);
}
