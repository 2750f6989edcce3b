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
[Produces("application/json")]
public sealed class SandboxController(ISender sender) : ControllerBase
{
    /// <summary>The first sandbox number; creates one, with a sample agent and a small FAQ, when there is none.</summary>
    [HttpPost("start")]
    public async Task<WhatsAppNumberDto> Start(CancellationToken cancellationToken) =>
        await sender.Send(new StartSandboxCommand(), cancellationToken);

    /// <summary>Plays the customer: the text reaches the number as a webhook signed like Meta's, through the real intake.</summary>
    [HttpPost("{whatsAppNumberId:guid}/messages")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<SimulatedMessageDto> Send(Guid whatsAppNumberId, SimulatedMessageRequest request, CancellationToken cancellationToken) =>
        await sender.Send(new SimulateCustomerMessageCommand(whatsAppNumberId, request.Text, request.CustomerWaId, request.CustomerName), cancellationToken);
}

/// <summary>What the simulator's customer types, and optionally who they are.</summary>
public sealed record SimulatedMessageRequest(string? Text, string? CustomerWaId = null, string? CustomerName = null);
