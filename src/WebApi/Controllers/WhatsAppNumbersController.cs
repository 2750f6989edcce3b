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
public sealed class WhatsAppNumbersController(ISender sender) : ControllerBase
{
    [HttpPost]
    [ProducesResponseType<WhatsAppNumberDto>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<ActionResult<WhatsAppNumberDto>> Add(AddWhatsAppNumberCommand command, CancellationToken cancellationToken)
    {
        var number = await sender.Send(command, cancellationToken);
        return CreatedAtAction(nameof(Get), new { id = number.Id }, number);
    }

    [HttpGet]
    public async Task<IReadOnlyList<WhatsAppNumberDto>> List(CancellationToken cancellationToken) =>
        await sender.Send(new GetWhatsAppNumbersQuery(), cancellationToken);

    [HttpGet("{id:guid}")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<WhatsAppNumberDto> Get(Guid id, CancellationToken cancellationToken) =>
        await sender.Send(new GetWhatsAppNumberQuery(id), cancellationToken);

    /// <summary>Replaces the number's settings; leave appSecret and accessToken out to keep the stored ones.</summary>
    [HttpPut("{id:guid}")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<WhatsAppNumberDto> Update(Guid id, UpdateWhatsAppNumberCommand command, CancellationToken cancellationToken) =>
        await sender.Send(command with { Id = id }, cancellationToken);

    /// <summary>The number's account, quality and template-status events, and webhook fields stored raw; newest first.</summary>
    [HttpGet("{id:guid}/events")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<PagedList<NumberEventDto>> Events(
        Guid id, [FromQuery] int page = 1, [FromQuery] int pageSize = 20, CancellationToken cancellationToken = default) =>
        await sender.Send(new GetNumberEventsQuery(id, page, pageSize), cancellationToken);

    [HttpDelete("{id:guid}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Delete(Guid id, CancellationToken cancellationToken)
    {
        await sender.Send(new DeleteWhatsAppNumberCommand(id), cancellationToken);
        return NoContent();
    }
}
