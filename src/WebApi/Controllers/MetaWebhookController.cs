using CleanAgent.Application.Webhooks.ReceiveMetaWebhook;
using CleanAgent.Application.Webhooks.VerifyWebhookSubscription;
using CleanAgent.WebApi.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CleanAgent.WebApi.Controllers;

/// <summary>The door Meta knocks on. Authenticated by Meta's signature, not by an admin key.</summary>
[ApiController]
[AllowAnonymous]
[Route("api/meta-webhook")]
public sealed class MetaWebhookController(ISender sender) : ControllerBase
{
    /// <summary>Meta documents 3 MB as the largest webhook body.</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    /// <summary>Meta's verification request: answers the bare challenge when the verify token matches, else 403.</summary>
    [HttpGet]
    [Produces("text/plain")]
    public async Task<IActionResult> Verify(
        [FromQuery(Name = "hub.mode")] string? mode,
        [FromQuery(Name = "hub.verify_token")] string? verifyToken,
        [FromQuery(Name = "hub.challenge")] string? challenge,
        CancellationToken cancellationToken)
    {
        var answer = await sender.Send(new VerifyWebhookSubscriptionQuery(mode, verifyToken, challenge), cancellationToken);
        return answer is null ? StatusCode(StatusCodes.Status403Forbidden) : Content(answer, "text/plain");
    }

    /// <summary>A delivery of messages and statuses, signed with X-Hub-Signature-256. 200 once it is stored.</summary>
    [HttpPost]
    [RawBody]
    [RequestSizeLimit(MaxBodyBytes)]
    [ProducesResponseType<WebhookReceipt>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge)]
    public async Task<WebhookReceipt> Receive(CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(cancellationToken);
        var signature = Request.Headers["X-Hub-Signature-256"].FirstOrDefault();
        return await sender.Send(new ReceiveMetaWebhookCommand(body, signature), cancellationToken);
    }

    /// <summary>The raw bytes exactly as sent (the signature covers them), refused past the limit without reading further.</summary>
    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(CancellationToken cancellationToken)
    {
        if (Request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }

        if (Request.ContentLength is { } length)
        {
            var exact = new byte[length];
            await Request.Body.ReadExactlyAsync(exact, cancellationToken);
            return exact;
        }

        var buffer = new byte[16 * 1024];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxBodyBytes + 1));
            }

            var read = await Request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                return buffer.AsMemory(0, total);
            }

            total += read;
            if (total > MaxBodyBytes)
            {
                throw TooLarge();
            }
        }
    }

    private static BadHttpRequestException TooLarge() =>
        new($"The body is larger than {MaxBodyBytes / (1024 * 1024)} MB, the most Meta sends.", StatusCodes.Status413PayloadTooLarge);
}
