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
[Tags("Agents")]
public sealed class AgentsController(ISender sender) : ControllerBase
{
    /// <summary>Create an agent</summary>
    /// <remarks>
    /// Only <c>name</c> and <c>prompt</c> are required; the models default to the server's configuration.
    /// <c>voiceReplies</c> (<c>Never</c>, <c>WhenCustomerSpeaks</c>, <c>Always</c>; default <c>Never</c>) makes the agent answer
    /// with WhatsApp voice notes spoken by <c>ttsModel</c> and <c>ttsVoice</c>; <c>acceptsImages</c> (default false) shows
    /// customers' photos and stickers to a model that takes images.
    /// </remarks>
    /// <response code="201">The agent, with its id; <c>Location</c> names it.</response>
    [HttpPost(Name = "CreateAgent")]
    [ProducesResponseType<AgentDto>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<ActionResult<AgentDto>> Create(CreateAgentCommand command, CancellationToken cancellationToken)
    {
        var agent = await sender.Send(command, cancellationToken);
        return CreatedAtRoute("GetAgent", new { id = agent.Id }, agent);
    }

    /// <summary>List agents</summary>
    /// <remarks>Every agent, by name. A short list an operator curates, so it is not paged.</remarks>
    /// <response code="200">The agents.</response>
    [HttpGet(Name = "ListAgents")]
    [ProducesResponseType<IReadOnlyList<AgentDto>>(StatusCodes.Status200OK)]
    public async Task<IReadOnlyList<AgentDto>> List(CancellationToken cancellationToken) =>
        await sender.Send(new GetAgentsQuery(), cancellationToken);

    /// <summary>Get an agent</summary>
    /// <remarks>One agent by its id.</remarks>
    /// <response code="200">The agent.</response>
    /// <response code="404">No agent has this id.</response>
    [HttpGet("{id:guid}", Name = "GetAgent")]
    [ProducesResponseType<AgentDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<AgentDto> Get(Guid id, CancellationToken cancellationToken) =>
        await sender.Send(new GetAgentQuery(id), cancellationToken);

    /// <summary>Update an agent</summary>
    /// <remarks>Replaces the agent's settings: a field left out is cleared (the required ones must be sent).</remarks>
    /// <response code="200">The agent as stored.</response>
    /// <response code="404">No agent has this id.</response>
    [HttpPut("{id:guid}", Name = "UpdateAgent")]
    [ProducesResponseType<AgentDto>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<AgentDto> Update(Guid id, UpdateAgentCommand command, CancellationToken cancellationToken) =>
        await sender.Send(command with { Id = id }, cancellationToken);

    /// <summary>Delete an agent</summary>
    /// <remarks>Deletes the agent and its knowledge files. Refused with 409 while WhatsApp numbers still link to it.</remarks>
    /// <response code="204">Deleted.</response>
    /// <response code="404">No agent has this id.</response>
    /// <response code="409">WhatsApp numbers still link to the agent: link them elsewhere first.</response>
    [HttpDelete("{id:guid}", Name = "DeleteAgent")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Delete(Guid id, CancellationToken cancellationToken)
    {
        await sender.Send(new DeleteAgentCommand(id), cancellationToken);
        return NoContent();
    }
}
