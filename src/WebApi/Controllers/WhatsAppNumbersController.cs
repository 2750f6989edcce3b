using CleanAgent.Application.Numbers;
using CleanAgent.Application.Numbers.AddWhatsAppNumber;
using CleanAgent.Application.Common.Models;
using CleanAgent.Application.Numbers.DeleteWhatsAppNumber;
using CleanAgent.Application.Numbers.GetNumberEvents;
using CleanAgent.Application.Numbers.GetWhatsAppNumber;
using CleanAgent.Application.Numbers.GetWhatsAppNumbers;
using CleanAgent.Application.Numbers.UpdateWhatsAppNumber;
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
}
