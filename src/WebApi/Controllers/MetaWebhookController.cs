using CleanAgent.Application.Webhooks.ReceiveMetaWebhook;
using CleanAgent.Application.Webhooks.VerifyWebhookSubscription;
using CleanAgent.WebApi.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CleanAgent.WebApi.Controllers;

/// <summary>The door Meta knocks on. Authenticated by Meta's signature, not by an admin key.</summary>
[ApiController]
[AllowAnonymous]
[Route("api/meta-webhook")]
[Tags("Meta webhook")]
public sealed class MetaWebhookController(ISender sender, IOptions<WebhookIntakeLimits> limits, WebhookBodyGate gate) : ControllerBase
{
    /// <summary>Meta documents 3 MB as the largest webhook body.</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    /// <summary>Verify the webhook subscription</summary>
    /// <remarks>Meta's verification request: answers the bare challenge when the verify token matches <c>Meta:VerifyToken</c>, else 403.</remarks>
    /// <param name="mode">Always <c>subscribe</c>.</param>
    /// <param name="verifyToken">The Verify Token typed into Meta's webhook form.</param>
    /// <param name="challenge">The value to answer.</param>
    /// <response code="200">The challenge, as plain text.</response>
    /// <response code="403">Not a subscription request, or the verify token does not match (or none is configured).</response>
    [HttpGet(Name = "VerifyMetaWebhook")]
    [Produces("text/plain")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/plain")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden)]
    public async Task<IActionResult> Verify(
        [FromQuery(Name = "hub.mode")] string? mode,
        [FromQuery(Name = "hub.verify_token")] string? verifyToken,
        [FromQuery(Name = "hub.challenge")] string? challenge,
        CancellationToken cancellationToken)
    {
        var answer = await sender.Send(new VerifyWebhookSubscriptionQuery(mode, verifyToken, challenge), cancellationToken);
        return answer is null ? StatusCode(StatusCodes.Status403Forbidden) : Content(answer, "text/plain");
    }

    /// <summary>Receive a webhook delivery</summary>
    /// <remarks>
    /// A delivery of messages and statuses from Meta, signed with <c>X-Hub-Signature-256</c> (HMAC-SHA256 of the raw body
    /// with the number's App Secret). Answered 200 once it is stored; deliveries for numbers CleanAgent does not know
    /// are answered 200 and ignored, so that Meta does not retry them.
    /// </remarks>
    /// <param name="signature"><c>sha256=</c> followed by the hex HMAC-SHA256 of the raw body.</param>
    /// <response code="200">Stored (or ignored): what the delivery held.</response>
    /// <response code="400">The body is not a WhatsApp webhook payload.</response>
    /// <response code="401">The signature is missing or wrong; nothing is stored.</response>
    /// <response code="408">The body did not arrive within <c>Meta:WebhookBodyTimeoutSeconds</c>.</response>
    /// <response code="413">The body is larger than 3 MB, the most Meta sends.</response>
    /// <response code="503">Too many bodies are being read at once (<c>Meta:WebhookMaxConcurrentBodies</c>); try again after <c>Retry-After</c> seconds.</response>
    [HttpPost(Name = "ReceiveMetaWebhook")]
    [RawBody]
    [RequestSizeLimit(MaxBodyBytes)]
    [Produces("application/json")]
    [ProducesResponseType<WebhookReceipt>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status408RequestTimeout)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable)]
    public async Task<WebhookReceipt> Receive([FromHeader(Name = "X-Hub-Signature-256")] string? signature, CancellationToken cancellationToken)
    {
        using var body = await ReadBodyAsync(cancellationToken);
        return await sender.Send(new ReceiveMetaWebhookCommand(body.Memory, signature), cancellationToken);
    }

    /// <summary>
    /// The raw bytes exactly as sent (the signature covers them), refused past the limit without reading further, and
    /// within one deadline for the whole body. Only the reading holds a permit of the body gate, not the storing.
    /// </summary>
    private async Task<PooledRequestBody> ReadBodyAsync(CancellationToken cancellationToken)
    {
        if (Request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }

        using var permit = gate.Enter();

        var body = new PooledRequestBody();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(limits.Value.WebhookBodyTimeoutSeconds));
        try
        {
            if (!await body.ReadAsync(Request.Body, MaxBodyBytes, deadline.Token))
            {
                throw TooLarge();
            }

            return body;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            body.Dispose();
            throw new BadHttpRequestException(
                $"The body did not arrive within {limits.Value.WebhookBodyTimeoutSeconds} s.", StatusCodes.Status408RequestTimeout);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private static BadHttpRequestException TooLarge() =>
        new($"The body is larger than {MaxBodyBytes / (1024 * 1024)} MB, the most Meta sends.", StatusCodes.Status413PayloadTooLarge);
}
