using CleanAgent.Application.Numbers;
using CleanAgent.Application.Numbers.AddWhatsAppNumber;
using CleanAgent.Application.Common.Models;
using CleanAgent.Application.Numbers.DeleteWhatsAppNumber;
using CleanAgent.Application.Numbers.GetNumberEvents;
using CleanAgent.Application.Numbers.GetWhatsAppNumber;
using CleanAgent.Application.Numbers.GetWhatsAppNumbers;
using CleanAgent.Application.Numbers.Templates;
using CleanAgent.Application.Numbers.Templates.GetMessageTemplates;
using CleanAgent.Application.Numbers.Templates.SendTemplate;
using CleanAgent.Application.Numbers.UpdateWhatsAppNumber;
using CleanAgent.Domain.Conversations;
using CleanAgent.WebApi.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CleanAgent.WebApi.Controllers;

/// <summary>WhatsApp Business numbers with their Meta credentials. Secrets are write-only.</summary>
[ApiController]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
[Route("api/whatsapp-numbers")]
[Produces("application/json")]
[Tags("WhatsApp numbers")]
public sealed class WhatsAppNumbersController(ISender sender) : ControllerBase
{
    /// <summary>Add a WhatsApp number</summary>
    /// <remarks>
    /// Stores the number with its Meta credentials (the phone number in E.164). The answer shows the
    /// <c>webhookUrl</c> to enter in Meta's app; secrets are never returned, only whether they are set.
    /// </remarks>
    /// <response code="201">The number; <c>Location</c> names it.</response>
    /// <response code="409">Another number already has this Phone Number ID.</response>
    [HttpPost(Name = "AddWhatsAppNumber")]
    [ProducesResponseType<WhatsAppNumberDto>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<WhatsAppNumberDto>> Add(AddWhatsAppNumberCommand command, CancellationToken cancellationToken)
    {
        var number = await sender.Send(command, cancellationToken);
        return CreatedAtRoute("GetWhatsAppNumber", new { id = number.Id }, number);
    }

    /// <summary>List WhatsApp numbers</summary>
    /// <remarks>Every number. A short list an operator curates, so it is not paged.</remarks>
    /// <response code="200">The numbers.</response>
    [HttpGet(Name = "ListWhatsAppNumbers")]
    [ProducesResponseType<IReadOnlyList<WhatsAppNumberDto>>(StatusCodes.Status200OK)]
    public async Task<IReadOnlyList<WhatsAppNumberDto>> List(CancellationToken cancellationToken) =>
        await sender.Send(new GetWhatsAppNumbersQuery(), cancellationToken);

    /// <summary>Get a WhatsApp number</summary>
    /// <remarks>One number by its id, with its webhook URL and the last webhook error, if any.</remarks>
    /// <response code="200">The number.</response>
    /// <response code="404">No number has this id.</response>
    [HttpGet("{id:guid}", Name = "GetWhatsAppNumber")]
    [ProducesResponseType<WhatsAppNumberDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<WhatsAppNumberDto> Get(Guid id, CancellationToken cancellationToken) =>
        await sender.Send(new GetWhatsAppNumberQuery(id), cancellationToken);

    /// <summary>Update a WhatsApp number</summary>
    /// <remarks>Replaces the number's settings; leave <c>appSecret</c> and <c>accessToken</c> out to keep the stored ones.</remarks>
    /// <response code="200">The number as stored.</response>
    /// <response code="404">No number has this id.</response>
    /// <response code="409">Another number already has this Phone Number ID.</response>
    [HttpPut("{id:guid}", Name = "UpdateWhatsAppNumber")]
    [ProducesResponseType<WhatsAppNumberDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<WhatsAppNumberDto> Update(Guid id, UpdateWhatsAppNumberCommand command, CancellationToken cancellationToken) =>
        await sender.Send(command with { Id = id }, cancellationToken);

    /// <summary>List a number's events</summary>
    /// <remarks>The number's account, quality and template-status events, and webhook fields stored raw; newest first, a page at a time.</remarks>
    /// <param name="id">The number's id.</param>
    /// <param name="page">The page, from 1.</param>
    /// <param name="pageSize">Events per page, 1 to 200.</param>
    /// <response code="200">One page of events.</response>
    /// <response code="404">No number has this id.</response>
    [HttpGet("{id:guid}/events", Name = "ListNumberEvents")]
    [ProducesResponseType<PagedList<NumberEventDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<PagedList<NumberEventDto>> Events(
        Guid id, [FromQuery] int page = 1, [FromQuery] int pageSize = 20, CancellationToken cancellationToken = default) =>
        await sender.Send(new GetNumberEventsQuery(id, page, pageSize), cancellationToken);

    /// <summary>Delete a WhatsApp number</summary>
    /// <remarks>Removes the number, its stored credentials and its conversations with their messages. Webhook deliveries for it are then ignored.</remarks>
    /// <response code="204">Deleted.</response>
    /// <response code="404">No number has this id.</response>
    [HttpDelete("{id:guid}", Name = "DeleteWhatsAppNumber")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Delete(Guid id, CancellationToken cancellationToken)
    {
        await sender.Send(new DeleteWhatsAppNumberCommand(id), cancellationToken);
        return NoContent();
    }

    /// <summary>List a number's message templates</summary>
    /// <remarks>
    /// The templates of the number's WhatsApp Business Account (<c>wabaId</c>, else <c>businessId</c>) as Meta lists them,
    /// every page, read with the number's token: name, language, category, review status, and per component the values
    /// a send must give (<c>parameterCount</c>). The list is cached for 10 minutes; <c>refresh=true</c> asks Meta again.
    /// </remarks>
    /// <param name="id">The number's id.</param>
    /// <param name="refresh">Ask Meta again instead of using the cached list.</param>
    /// <response code="200">The templates.</response>
    /// <response code="404">No number has this id.</response>
    /// <response code="409">The number has no account id, or Meta refused to list the templates (the detail says why).</response>
    [HttpGet("{id:guid}/templates", Name = "ListMessageTemplates")]
    [ProducesResponseType<IReadOnlyList<MessageTemplateDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<IReadOnlyList<MessageTemplateDto>> Templates(Guid id, [FromQuery] bool refresh = false, CancellationToken cancellationToken = default) =>
        await sender.Send(new GetMessageTemplatesQuery(id, refresh), cancellationToken);

    /// <summary>Send a message template</summary>
    /// <remarks>
    /// Sends an approved template, which WhatsApp allows outside the 24-hour window, to an existing conversation
    /// (<c>conversationId</c>) or to a new customer (<c>to</c>, a phone number in E.164 form, which starts a
    /// conversation). The values are checked against the template before anything is sent. The message goes through the
    /// outbox: it is answered as <c>Pending</c> and its status follows like any outbound message's; if Meta refuses it,
    /// the message's <c>error</c> says why in plain words. A retried request with the same <c>Idempotency-Key</c> sends
    /// nothing again and answers as the first did.
    /// </remarks>
    /// <param name="id">The number's id.</param>
    /// <param name="request">The recipient, the template and its values.</param>
    /// <param name="idempotencyKey">Any unique string (at most 128 characters) that makes a retry of this request safe.</param>
    /// <response code="202">The conversation and the template message, Pending; it is sent in the background.</response>
    /// <response code="400">No or both recipients, a recipient that is not a phone number, no such template, or values that do not fit it.</response>
    /// <response code="404">No number (or no conversation of it) has this id.</response>
    /// <response code="409">The template is not approved, the customer stopped marketing messages, or Meta refused to list the templates.</response>
    [HttpPost("{id:guid}/templates/send", Name = "SendMessageTemplate")]
    [ProducesResponseType<TemplateSentDto>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<TemplateSentDto>> SendTemplate(
        Guid id, SendTemplateRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken cancellationToken) =>
        Accepted(await sender.Send(
            new SendTemplateCommand(id, request.To, request.ConversationId, request.TemplateName, request.LanguageCode, request.BodyParameters, request.HeaderParameters,
                Message.SentByApi, idempotencyKey),
            cancellationToken));
}

/// <param name="To">A new or known customer's phone number in E.164 form, e.g. +4915112345678 (or give conversationId).</param>
/// <param name="ConversationId">An existing conversation of this number (or give to).</param>
/// <param name="TemplateName">The template's name as Meta lists it.</param>
/// <param name="LanguageCode">The template's language, e.g. en_US, de.</param>
/// <param name="BodyParameters">The body's values, in placeholder order.</param>
/// <param name="HeaderParameters">The header's value: text for a text header, a link or media id for a media header.</param>
public sealed record SendTemplateRequest(
    string? To,
    Guid? ConversationId,
    string? TemplateName,
    string? LanguageCode,
    IReadOnlyList<string>? BodyParameters,
    IReadOnlyList<string>? HeaderParameters);
