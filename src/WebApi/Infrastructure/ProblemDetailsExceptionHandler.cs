using System.Text.Json;
using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Logging;
using CleanAgent.Application.Webhooks;
using CleanAgent.Domain.Common;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>The one place where exceptions become RFC 9457 problem details.</summary>
internal sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails details = exception switch
        {
            ValidationException validation => new ValidationProblemDetails(
                validation.Errors
                    .GroupBy(e => CamelCase(e.PropertyName))
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more fields are invalid.",
            },
            DomainException domain => new ValidationProblemDetails(
                new Dictionary<string, string[]> { [domain.Field] = [domain.Message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more fields are invalid.",
            },
            NotFoundException notFound => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = notFound.Message },
            ConflictException conflict => new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = conflict.Message },
            PayloadTooLargeException tooLarge => new ProblemDetails { Status = StatusCodes.Status413PayloadTooLarge, Title = "File too large", Detail = tooLarge.Message },
            UnsupportedMediaTypeException unsupported => new ProblemDetails
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "Unsupported file type",
                Detail = unsupported.Message,
            },
            UnauthorizedException unauthorized => new ProblemDetails { Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized", Detail = unauthorized.Message },
            BadHttpRequestException badRequest => new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Title = badRequest.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "Request body too large",
                    StatusCodes.Status408RequestTimeout => "Request body too slow",
                    StatusCodes.Status503ServiceUnavailable => "Busy",
                    _ => "Bad request",
                },
                Detail = badRequest.Message,
            },
            InvalidWebhookPayloadException invalid => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest, Title = "Not a WhatsApp webhook payload", Detail = invalid.Message,
            },
            JsonException => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Bad request", Detail = "The body is not valid JSON." },
            _ => new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred.",
                Detail = "The error was logged; no details are given here.",
            },
        };

        httpContext.Response.StatusCode = details.Status ?? StatusCodes.Status500InternalServerError;
        if (exception is BadHttpRequestException { StatusCode: StatusCodes.Status503ServiceUnavailable })
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }
        if (httpContext.Response.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // The rest of a body that came too slowly is not waited for: the connection is closed after the answer.
            httpContext.Response.Headers.Connection = "close";
        }

        if (httpContext.Response.StatusCode >= StatusCodes.Status500InternalServerError && exception is not BadHttpRequestException)
        {
            // The middleware does not log an exception a handler took; the 500's detail promises it was.
            LogUnexpected(logger, httpContext.Request.Method, LogValue.Clip(httpContext.Request.Path.Value, 120), exception);
        }
        else
        {
            // The caller's mistake (or a 503 asking it to come back), not ours: one short line, no stack, nothing of the payload but a clipped message.
            LogClientError(logger, httpContext.Request.Method, LogValue.Clip(httpContext.Request.Path.Value, 120), httpContext.Response.StatusCode,
                exception.GetType().Name, LogValue.Clip(exception.Message, 160));
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = details,
            Exception = exception,
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error answering {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} answered {Status}: {ExceptionType}: {Reason}")]
    private static partial void LogClientError(ILogger logger, string method, string path, int status, string exceptionType, string reason);

    private static string CamelCase(string name) =>
        string.IsNullOrEmpty(name) || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}

internal static class ProblemDetailsSetup
{
    public static void Customize(ProblemDetailsContext context)
    {
        context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        var activity = context.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity;
        context.ProblemDetails.Extensions.TryAdd("traceId", activity?.Id ?? context.HttpContext.TraceIdentifier);
    }
}
