using CleanAgent.Application.Common.Models;
using CleanAgent.Application.Conversations;
using CleanAgent.Application.Conversations.GetConversationMessages;
using CleanAgent.Application.Conversations.DiscardOutboundMessage;
using CleanAgent.Application.Conversations.GetConversations;
using CleanAgent.Application.Conversations.RetryOutboundMessage;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CleanAgent.WebApi.Controllers;

/// <summary>Conversation history: one conversation per number and customer.</summary>
[ApiController]
[Authorize]
[Route("api/conversations")]
[Produces("application/json")]
public sealed class ConversationsController(ISender sender) : ControllerBase
{
    /// <summary>Conversations, most recently active first.</summary>
    [HttpGet]
    public async Task<PagedList<ConversationDto>> List(
        [FromQuery] Guid? whatsAppNumberId, [FromQuery] int page = 1, [FromQuery] int pageSize = 20, CancellationToken cancellationToken = default) =>
        await sender.Send(new GetConversationsQuery(whatsAppNumberId, page, pageSize), cancellationToken);

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
