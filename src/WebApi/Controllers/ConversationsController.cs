using CleanAgent.Application.Common.Models;
using CleanAgent.Application.Conversations;
using CleanAgent.Application.Conversations.DiscardOutboundMessage;
using CleanAgent.Application.Conversations.GetConversation;
using CleanAgent.Application.Conversations.GetConversationMessages;
using CleanAgent.Application.Conversations.GetConversations;
using CleanAgent.Application.Conversations.GetMessageMedia;
using CleanAgent.Application.Conversations.HandOffConversation;
using CleanAgent.Application.Conversations.ResumeConversation;
using CleanAgent.Application.Conversations.RetryOutboundMessage;
using CleanAgent.Application.Conversations.SendOperatorMedia;
using CleanAgent.Application.Conversations.SendOperatorMessage;
using CleanAgent.Domain.Conversations;
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
[Tags("Conversations")]
public sealed class ConversationsController(ISender sender) : ControllerBase
{
    /// <summary>List conversations</summary>
    /// <remarks>
    /// Conversations, most recently active first, a page at a time. <c>q</c> finds a customer by name or number;
    /// <c>needsReply</c>, <c>failed</c> (a failed reply or message), <c>windowOpen</c> (inside the 24-hour window),
    /// <c>mode</c> and <c>waitingForHuman</c> filter when given.
    /// </remarks>
    /// <param name="whatsAppNumberId">Only the conversations of this number.</param>
    /// <param name="q">A customer's name or number, or part of it.</param>
    /// <param name="needsReply">Only conversations that do (true) or do not (false) wait for a reply.</param>
    /// <param name="failed">Only conversations with (true) or without (false) a failed reply or message.</param>
    /// <param name="windowOpen">Only conversations inside (true) or outside (false) the 24-hour window.</param>
    /// <param name="mode">Only conversations answered by the agent (<c>Agent</c>) or by a person (<c>Human</c>).</param>
    /// <param name="waitingForHuman">Only conversations whose customer waits (true) or does not wait (false) for a person.</param>
    /// <param name="page">The page, from 1.</param>
    /// <param name="pageSize">Conversations per page, 1 to 200.</param>
    /// <response code="200">One page of conversations.</response>
    [HttpGet(Name = "ListConversations")]
    [ProducesResponseType<PagedList<ConversationDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<PagedList<ConversationDto>> List(
        [FromQuery] Guid? whatsAppNumberId,
        [FromQuery] int page = 1,
        [FromQuery] int pageSize = 20,
        [FromQuery] string? q = null,
        [FromQuery] bool? needsReply = null,
        [FromQuery] bool? failed = null,
        [FromQuery] bool? windowOpen = null,
        [FromQuery] ConversationMode? mode = null,
        [FromQuery] bool? waitingForHuman = null,
        CancellationToken cancellationToken = default) =>
        await sender.Send(new GetConversationsQuery(whatsAppNumberId, page, pageSize, q, needsReply, failed, windowOpen, mode, waitingForHuman), cancellationToken);

    /// <summary>Get a conversation</summary>
    /// <remarks>One conversation with its customer, counts and reply state.</remarks>
    /// <param name="id">The conversation's id.</param>
    /// <response code="200">The conversation.</response>
    /// <response code="404">No conversation has this id.</response>
    [HttpGet("{id:guid}", Name = "GetConversation")]
    [ProducesResponseType<ConversationDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<ConversationDto> Get(Guid id, CancellationToken cancellationToken) =>
        await sender.Send(new GetConversationQuery(id), cancellationToken);

    /// <summary>List a conversation's messages</summary>
    /// <remarks>The history, oldest first, a page at a time: inbound and outbound messages with their delivery status.</remarks>
    /// <param name="id">The conversation's id.</param>
    /// <param name="page">The page, from 1.</param>
    /// <param name="pageSize">Messages per page, 1 to 200.</param>
    /// <response code="200">One page of messages.</response>
    /// <response code="404">No conversation has this id.</response>
    [HttpGet("{id:guid}/messages", Name = "ListConversationMessages")]
    [ProducesResponseType<PagedList<MessageDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<PagedList<MessageDto>> Messages(
        Guid id, [FromQuery] int page = 1, [FromQuery] int pageSize = 100, CancellationToken cancellationToken = default) =>
        await sender.Send(new GetConversationMessagesQuery(id, page, pageSize), cancellationToken);

    /// <summary>Retry an outbound message</summary>
    /// <remarks>Sends again an outbound message that failed for good before Meta accepted it: it goes back to the outbox as Pending.</remarks>
    /// <param name="id">The conversation's id.</param>
    /// <param name="messageId">The message's id.</param>
    /// <response code="202">The message, Pending again; it is sent in the background.</response>
    /// <response code="404">No conversation has this id, or it has no message with this id.</response>
    /// <response code="409">The message is not an outbound message that failed before Meta accepted it.</response>
    [HttpPost("{id:guid}/messages/{messageId:guid}/retry", Name = "RetryOutboundMessage")]
    [ProducesResponseType<MessageDto>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<MessageDto>> Retry(Guid id, Guid messageId, CancellationToken cancellationToken) =>
        Accepted(await sender.Send(new RetryOutboundMessageCommand(id, messageId), cancellationToken));

    /// <summary>Discard an outbound message</summary>
    /// <remarks>Gives up an outbound message that failed for good: it stays in the history as Discarded.</remarks>
    /// <param name="id">The conversation's id.</param>
    /// <param name="messageId">The message's id.</param>
    /// <response code="200">The message, now Discarded.</response>
    /// <response code="404">No conversation has this id, or it has no message with this id.</response>
    /// <response code="409">The message is not an outbound message that failed.</response>
    [HttpPost("{id:guid}/messages/{messageId:guid}/discard", Name = "DiscardOutboundMessage")]
    [ProducesResponseType<MessageDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<MessageDto> Discard(Guid id, Guid messageId, CancellationToken cancellationToken) =>
        await sender.Send(new DiscardOutboundMessageCommand(id, messageId), cancellationToken);

    /// <summary>Take a conversation over</summary>
    /// <remarks>
    /// A person answers the conversation from now on: the agent stays quiet (no answer, no typing indicator) and its
    /// answers not yet sent are cancelled. The customer's messages wait for a person (<c>waitingForHuman</c>). The agent
    /// takes over again when handed back, or by itself after <c>Handoff:IdleMinutes</c> without operator activity.
    /// </remarks>
    /// <param name="id">The conversation's id.</param>
    /// <param name="request">Why, for the other operators (optional).</param>
    /// <response code="200">The conversation, in <c>Human</c> mode.</response>
    /// <response code="404">No conversation has this id.</response>
    [HttpPost("{id:guid}/handoff", Name = "HandOffConversation")]
    [ProducesResponseType<ConversationDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<ConversationDto> HandOff(Guid id, HandoffRequest? request, CancellationToken cancellationToken) =>
        await sender.Send(new HandOffConversationCommand(id, request?.Reason, Message.SentByApi), cancellationToken);

    /// <summary>Hand a conversation back to the agent</summary>
    /// <remarks>
    /// The agent answers again. Customer messages nobody answered that are still inside the 24-hour window get one
    /// answer from it; older ones are left as they are.
    /// </remarks>
    /// <param name="id">The conversation's id.</param>
    /// <response code="200">The conversation, in <c>Agent</c> mode.</response>
    /// <response code="404">No conversation has this id.</response>
    [HttpPost("{id:guid}/resume", Name = "ResumeConversation")]
    [ProducesResponseType<ConversationDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<ConversationDto> Resume(Guid id, CancellationToken cancellationToken) =>
        await sender.Send(new ResumeConversationCommand(id, Message.SentByApi), cancellationToken);

    /// <summary>Send a message as a person</summary>
    /// <remarks>
    /// Sends a text to the customer with the number's credentials, through the same outbox as the agent's answers: it is
    /// answered at once as <c>Pending</c>, and its status follows like any outbound message's, with <c>sentBy</c>
    /// <c>api</c>. A conversation in <c>Agent</c> mode is taken over by it. Outside the 24-hour window WhatsApp allows
    /// only a template (409). A retried request with the same <c>Idempotency-Key</c> sends nothing again and answers
    /// with the first request's message.
    /// </remarks>
    /// <param name="id">The conversation's id.</param>
    /// <param name="request">The text, 1 to 4096 characters.</param>
    /// <param name="idempotencyKey">Any unique string (at most 128 characters) that makes a retry of this request safe.</param>
    /// <response code="202">The message, Pending; it is sent in the background.</response>
    /// <response code="400">The text is empty or longer than 4096 characters.</response>
    /// <response code="404">No conversation has this id.</response>
    /// <response code="409">The 24-hour window is closed (a template is needed), or nobody can be addressed in this conversation.</response>
    [HttpPost("{id:guid}/messages", Name = "SendConversationMessage")]
    [ProducesResponseType<MessageDto>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<MessageDto>> Send(
        Guid id, SendMessageRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken cancellationToken) =>
        Accepted(await sender.Send(new SendOperatorMessageCommand(id, request.Text, Message.SentByApi, idempotencyKey), cancellationToken));

    /// <summary>Send a file as a person</summary>
    /// <remarks>
    /// Sends an image (JPEG, PNG; 5 MB), audio (AAC, AMR, MP3, MP4, Ogg; 16 MB), a video (MP4, 3GPP; 16 MB) or a document
    /// (PDF, text, Office; 100 MB) to the customer: the multipart field <c>file</c>, its part's content type choosing the
    /// kind, and an optional <c>caption</c> (images, videos and documents; at most 1024 characters). The file is kept like
    /// the customers' files, and goes through the same outbox as a text: answered at once as <c>Pending</c>, uploaded to
    /// Meta and sent in the background. Takeover, the 24-hour window and <c>Idempotency-Key</c> work as for a text.
    /// </remarks>
    /// <param name="id">The conversation's id.</param>
    /// <param name="file">The file.</param>
    /// <param name="caption">Shown under an image, video or document.</param>
    /// <param name="idempotencyKey">Any unique string (at most 128 characters) that makes a retry of this request safe.</param>
    /// <response code="202">The message, Pending; it is sent in the background.</response>
    /// <response code="400">No file, an empty one, a caption longer than 1024 characters, or a malformed form.</response>
    /// <response code="404">No conversation has this id.</response>
    /// <response code="409">The 24-hour window is closed (a template is needed), or nobody can be addressed in this conversation.</response>
    /// <response code="413">The file is larger than WhatsApp allows for its kind (or <c>Media:MaxBytes</c>).</response>
    /// <response code="415">WhatsApp does not send files of this content type (or the body is not multipart/form-data).</response>
    [HttpPost("{id:guid}/messages/media", Name = "SendConversationMedia")]
    [Consumes("multipart/form-data")]
    [OperatorMediaSizeLimit]
    [ProducesResponseType<MessageDto>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType)]
    public async Task<ActionResult<MessageDto>> SendMedia(
        Guid id, IFormFile? file, [FromForm] string? caption, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            throw new FluentValidation.ValidationException([new FluentValidation.Results.ValidationFailure("file", "Send the file as the multipart field 'file'.")]);
        }

        using var buffer = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
        await file.CopyToAsync(buffer, cancellationToken);
        var command = new SendOperatorMediaCommand(
            id, file.FileName, file.ContentType, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), caption, Message.SentByApi, idempotencyKey);
        return Accepted(await sender.Send(command, cancellationToken));
    }

    /// <summary>Download a message's file</summary>
    /// <remarks>
    /// Streams the stored file of a media message (image, audio, video, document, sticker, or an outbound voice note) with
    /// its content type and file name. The message's <c>mediaStatus</c> says whether one is stored.
    /// </remarks>
    /// <param name="id">The conversation's id.</param>
    /// <param name="messageId">The message's id.</param>
    /// <response code="200">The file.</response>
    /// <response code="404">No conversation or message has this id, or no file is stored for the message.</response>
    [HttpGet("{id:guid}/messages/{messageId:guid}/media", Name = "GetMessageMedia")]
    [Produces("application/octet-stream")]
    [ProducesResponseType<FileStreamResult>(StatusCodes.Status200OK, "application/octet-stream")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Media(Guid id, Guid messageId, CancellationToken cancellationToken)
    {
        var media = await sender.Send(new GetMessageMediaQuery(id, messageId), cancellationToken);
        return File(media.Content, media.ContentType, media.FileName);
    }
}

/// <param name="Reason">Why a person takes over, shown to other operators.</param>
public sealed record HandoffRequest(string? Reason);

/// <param name="Text">What the customer receives.</param>
public sealed record SendMessageRequest(string? Text);
