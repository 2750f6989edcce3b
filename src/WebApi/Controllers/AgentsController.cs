using CleanAgent.Application.Agents;
using CleanAgent.Application.Agents.CreateAgent;
using CleanAgent.Application.Agents.DeleteAgent;
using CleanAgent.Application.Agents.GetAgent;
using CleanAgent.Application.Agents.GetAgents;
using CleanAgent.Application.Agents.UpdateAgent;
using CleanAgent.WebApi.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CleanAgent.WebApi.Controllers;

/// <summary>AI agents: the prompt and models that answer customers.</summary>
[ApiController]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
[Route("api/agents")]
[Produces("application/json")]
public sealed class AgentsController(ISender sender) : ControllerBase
{
    [HttpPost]
    [ProducesResponseType<AgentDto>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<ActionResult<AgentDto>> Create(CreateAgentCommand command, CancellationToken cancellationToken)
    {
        var agent = await sender.Send(command, cancellationToken);
        return CreatedAtAction(nameof(Get), new { id = agent.Id }, agent);
    }

    [HttpGet]
    public async Task<IReadOnlyList<AgentDto>> List(CancellationToken cancellationToken) =>
        await sender.Send(new GetAgentsQuery(), cancellationToken);

    [HttpGet("{id:guid}")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<AgentDto> Get(Guid id, CancellationToken cancellationToken) =>
        await sender.Send(new GetAgentQuery(id), cancellationToken);

    [HttpPut("{id:guid}")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<AgentDto> Update(Guid id, UpdateAgentCommand command, CancellationToken cancellationToken) =>
        await sender.Send(command with { Id = id }, cancellationToken);

    /// <summary>Deletes the agent and its knowledge; 409 while WhatsApp numbers still link to it.</summary>
    [HttpDelete("{id:guid}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Delete(Guid id, CancellationToken cancellationToken)
    {
        await sender.Send(new DeleteAgentCommand(id), cancellationToken);
        return NoContent();
    }
}
