using CleanAgent.Application.Agents.Knowledge;
using CleanAgent.Application.Agents.Knowledge.AddKnowledgeDocument;
using CleanAgent.Application.Agents.Knowledge.DeleteKnowledgeDocument;
using CleanAgent.Application.Agents.Knowledge.GetKnowledgeDocuments;
using CleanAgent.Application.Agents.Knowledge.SearchKnowledge;
using CleanAgent.WebApi.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CleanAgent.WebApi.Controllers;

/// <summary>An agent's knowledge files (CSV, text, Markdown, PDF), searched when it answers.</summary>
[ApiController]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
[Route("api/agents/{id:guid}/knowledge")]
[Produces("application/json")]
public sealed class KnowledgeController(ISender sender) : ControllerBase
{
    /// <summary>Uploads a knowledge file as the multipart field <c>file</c>: CSV with a header row (one entry per row), text, Markdown or PDF. A CSV named <c>synonyms.csv</c> lists equivalent words, one group per row.</summary>
    [HttpPost]
    [Consumes("multipart/form-data")]
    [KnowledgeUploadSizeLimit]
    [ProducesResponseType<KnowledgeDocumentDto>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType)]
    public async Task<ActionResult<KnowledgeDocumentDto>> Upload(Guid id, IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            throw new FluentValidation.ValidationException([new FluentValidation.Results.ValidationFailure("file", "Send the file as the multipart field 'file'.")]);
        }

        using var buffer = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
        await file.CopyToAsync(buffer, cancellationToken);
        var document = await sender.Send(
            new AddKnowledgeDocumentCommand(id, file.FileName, file.ContentType, buffer.GetBuffer().AsMemory(0, (int)buffer.Length)),
            cancellationToken);
        return Created($"/api/agents/{id}/knowledge/{document.Id}", document);
    }

    [HttpGet]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IReadOnlyList<KnowledgeDocumentDto>> List(Guid id, CancellationToken cancellationToken) =>
        await sender.Send(new GetKnowledgeDocumentsQuery(id), cancellationToken);

    /// <summary>What the agent finds for a question (<c>q</c>), as when it answers: the <c>top</c> rows (default 5, at most 20), best first, with scores from 0 to 1.</summary>
    [HttpGet("search")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IReadOnlyList<KnowledgeSearchResultDto>> Search(
        Guid id, [FromQuery] string? q, [FromQuery] int? top, CancellationToken cancellationToken) =>
        await sender.Send(new SearchKnowledgeQuery(id, q ?? string.Empty, top ?? SearchKnowledgeQuery.DefaultTop), cancellationToken);

    [HttpDelete("{documentId:guid}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Delete(Guid id, Guid documentId, CancellationToken cancellationToken)
    {
        await sender.Send(new DeleteKnowledgeDocumentCommand(id, documentId), cancellationToken);
        return NoContent();
    }
}
