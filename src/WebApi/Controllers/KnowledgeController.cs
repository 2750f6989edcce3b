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
[Tags("Knowledge")]
public sealed class KnowledgeController(ISender sender) : ControllerBase
{
    /// <summary>Upload a knowledge file</summary>
    /// <remarks>
    /// The file goes in the multipart field <c>file</c>: CSV with a header row (one entry per row), plain text,
    /// Markdown (split at paragraphs) or PDF; a CSV named <c>synonyms.csv</c> lists equivalent words, one group per row, up to <c>Knowledge:MaxFileBytes</c> (2 MB by default).
    /// Empty, binary or broken files get 400, other types 415, larger files 413; nothing is stored then.
    /// </remarks>
    /// <param name="id">The agent's id.</param>
    /// <param name="file">The knowledge file.</param>
    /// <response code="201">The stored file; <c>Location</c> names it.</response>
    /// <response code="404">No agent has this id.</response>
    /// <response code="413">The file is larger than <c>Knowledge:MaxFileBytes</c>.</response>
    /// <response code="415">Not a CSV, text, Markdown or PDF file (or the body is not multipart/form-data).</response>
    [HttpPost(Name = "AddKnowledgeDocument")]
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

    /// <summary>List an agent's knowledge files</summary>
    /// <remarks>A short list an operator curates, so it is not paged.</remarks>
    /// <param name="id">The agent's id.</param>
    /// <response code="200">The agent's files.</response>
    /// <response code="404">No agent has this id.</response>
    [HttpGet(Name = "ListKnowledgeDocuments")]
    [ProducesResponseType<IReadOnlyList<KnowledgeDocumentDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IReadOnlyList<KnowledgeDocumentDto>> List(Guid id, CancellationToken cancellationToken) =>
        await sender.Send(new GetKnowledgeDocumentsQuery(id), cancellationToken);

    /// <summary>Search an agent's knowledge</summary>
    /// <remarks>What the agent finds for a question, as when it answers: the best rows first, with scores from 0 to 1.</remarks>
    /// <param name="id">The agent's id.</param>
    /// <param name="q">The question, as a customer would write it.</param>
    /// <param name="top">How many rows, 1 to 20 (default 5).</param>
    /// <response code="200">The best-matching rows, best first.</response>
    /// <response code="400">The question is empty or <c>top</c> is out of range.</response>
    /// <response code="404">No agent has this id.</response>
    [HttpGet("search", Name = "SearchKnowledge")]
    [ProducesResponseType<IReadOnlyList<KnowledgeSearchResultDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IReadOnlyList<KnowledgeSearchResultDto>> Search(
        Guid id, [FromQuery] string? q, [FromQuery] int? top, CancellationToken cancellationToken) =>
        await sender.Send(new SearchKnowledgeQuery(id, q ?? string.Empty, top ?? SearchKnowledgeQuery.DefaultTop), cancellationToken);

    /// <summary>Delete a knowledge file</summary>
    /// <remarks>The agent stops using the file at once.</remarks>
    /// <param name="id">The agent's id.</param>
    /// <param name="documentId">The file's id.</param>
    /// <response code="204">Deleted.</response>
    /// <response code="404">No agent has this id, or it has no file with this id.</response>
    [HttpDelete("{documentId:guid}", Name = "DeleteKnowledgeDocument")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Delete(Guid id, Guid documentId, CancellationToken cancellationToken)
    {
        await sender.Send(new DeleteKnowledgeDocumentCommand(id, documentId), cancellationToken);
        return NoContent();
    }
}
