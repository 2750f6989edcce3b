using CleanAgent.Application.Common.Models;
using CleanAgent.Application.Conversations;
using CleanAgent.Application.Conversations.GetConversation;
using CleanAgent.Application.Conversations.GetConversationMessages;
using CleanAgent.Application.Conversations.DiscardOutboundMessage;
using CleanAgent.Application.Conversations.GetConversations;
using CleanAgent.Application.Conversations.RetryOutboundMessage;
using CleanAgent.WebApi.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CleanAgent.WebApi.Controllers;

/// <summary>Conversation history: one conversation per number and customer.</summary>
[ApiController]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
[Route("api/conversations")]
[Produces("application/json")]
public sealed class ConversationsController(ISender sender) : ControllerBase
{
    /// <summary>
    /// Conversations, most recently active first. <c>q</c> finds a customer by name or number; <c>needsReply</c>,
    /// <c>failed</c> (a failed reply or message) and <c>windowOpen</c> (inside the 24-hour window) filter when given.
    /// </summary>
    [HttpGet]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<PagedList<ConversationDto>> List(
        [FromQuery] Guid? whatsAppNumberId,
        [FromQuery] int page = 1,
        [FromQuery] int pageSize = 20,
        [FromQuery] string? q = null,
        [FromQuery] bool? needsReply = null,
        [FromQuery] bool? failed = null,
        [FromQuery] bool? windowOpen = null,
        CancellationToken cancellationToken = default) =>
        await sender.Send(new GetConversationsQuery(whatsAppNumberId, page, pageSize, q, needsReply, failed, windowOpen), cancellationToken);

    /// <summary>One conversation.</summary>
    [HttpGet("{id:guid}")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<ConversationDto> Get(Guid id, CancellationToken cancellationToken) =>
        await sender.Send(new GetConversationQuery(id), cancellationToken);

    /// <summary>A conversation's messages, oldest first.</summary>
    [HttpGet("{id:guid}/messages")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IReadOnlyList<MessageDto>> Messages(
        Guid id, [FromQuery] int page = 1, [FromQuery] int pageSize = 100, CancellationToken cancellationToken = default) =>
        await sender.Send(new GetConversationMessagesQuery(id, page, pageSize), cancellationToken);

    /// <summary>Sends again an outbound message that failed for good before Meta accepted it (it goes back to the outbox as Pending).</summary>
    [HttpPost("{id:guid}/messages/{messageId:guid}/retry")]
    [ProducesResponseType<MessageDto>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<MessageDto>> Retry(Guid id, Guid messageId, CancellationToken cancellationToken) =>
        Accepted(await sender.Send(new RetryOutboundMessageCommand(id, messageId), cancellationToken));

    /// <summary>Gives up an outbound message that failed for good: it stays in the history as Discarded.</summary>
    [HttpPost("{id:guid}/messages/{messageId:guid}/discard")]
    [ProducesResponseType<MessageDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<MessageDto> Discard(Guid id, Guid messageId, CancellationToken cancellationToken) =>
        await sender.Send(new DiscardOutboundMessageCommand(id, messageId), cancellationToken);
}
