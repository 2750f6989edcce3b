using CleanAgent.Application.Webhooks;
using CleanAgent.Domain.Common;
using FluentValidation;

namespace CleanAgent.Application.Common.Exceptions;

/// <summary>
/// Failures that are the caller's doing and become a 4xx: logged once where they are answered, without a stack,
/// never as an error of ours.
/// </summary>
public static class ExpectedFailure
{
    public static bool Is(Exception exception) => exception is ValidationException or DomainException or NotFoundException or ConflictException
        or UnauthorizedException or PayloadTooLargeException or UnsupportedMediaTypeException or InvalidWebhookPayloadException
        or OperationCanceledException;
}
