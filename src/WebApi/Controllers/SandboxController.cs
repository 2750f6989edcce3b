using CleanAgent.Application.Numbers;
using CleanAgent.Application.Sandbox.SimulateCustomerMessage;
using CleanAgent.Application.Sandbox.StartSandbox;
using CleanAgent.WebApi.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CleanAgent.WebApi.Controllers;

/// <summary>The simulator ("Try it"): sandbox numbers whose customer is you and whose Graph API is inside CleanAgent.</summary>
[ApiController]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
[Route("api/sandbox")]
[Tags("Simulator")]
[Produces("application/json")]
public sealed class SandboxController(ISender sender) : ControllerBase
{
    /// <summary>Start the simulator</summary>
    /// <remarks>The first sandbox number; creates one, with a sample agent and a small FAQ, when there is none.</remarks>
    /// <response code="200">The sandbox number.</response>
    [HttpPost("start", Name = "StartSandbox")]
    [ProducesResponseType<WhatsAppNumberDto>(StatusCodes.Status200OK)]
    public async Task<WhatsAppNumberDto> Start(CancellationToken cancellationToken) =>
        await sender.Send(new StartSandboxCommand(), cancellationToken);

    /// <summary>Send a simulated customer message</summary>
    /// <remarks>Plays the customer: the text reaches the sandbox number as a webhook signed like Meta's, through the real intake.</remarks>
    /// <param name="whatsAppNumberId">The sandbox number's id.</param>
    /// <param name="request">What the customer types, and optionally who they are.</param>
    /// <response code="200">The stored customer message.</response>
    /// <response code="400">The text is empty or too long.</response>
    /// <response code="404">No number has this id.</response>
    /// <response code="409">The number is not a sandbox number.</response>
    [HttpPost("{whatsAppNumberId:guid}/messages", Name = "SimulateCustomerMessage")]
    [ProducesResponseType<SimulatedMessageDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<SimulatedMessageDto> Send(Guid whatsAppNumberId, SimulatedMessageRequest request, CancellationToken cancellationToken) =>
        await sender.Send(new SimulateCustomerMessageCommand(whatsAppNumberId, request.Text, request.CustomerWaId, request.CustomerName), cancellationToken);
}

/// <summary>What the simulator's customer types, and optionally who they are.</summary>
public sealed record SimulatedMessageRequest(string? Text, string? CustomerWaId = null, string? CustomerName = null);
