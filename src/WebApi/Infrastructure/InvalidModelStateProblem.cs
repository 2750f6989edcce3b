using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// Answers a request MVC could not bind (e.g. <c>page=abc</c>, a malformed GUID) like every other
/// error: an RFC 9457 problem served as
/// <c>application/problem+json</c> (the controllers' <c>[Produces]</c> would otherwise make it plain JSON),
/// with the field named as the client wrote it (<c>agentId</c>, not <c>$.agentId</c>).
/// </summary>
internal sealed class InvalidModelStateProblem(ValidationProblemDetails problem) : IActionResult
{
    public static IActionResult Create(ActionContext context)
    {
        var errors = context.ModelState
            .Where(e => e.Value is { Errors.Count: > 0 })
            .GroupBy(e => FieldName(e.Key))
            .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value!.Errors).Select(Message).Distinct().ToArray());
        return new InvalidModelStateProblem(new ValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
        });
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        // Written directly: inside an [ApiController] endpoint, IProblemDetailsService hands the problem to MVC's writer, which drops "errors".
        var http = context.HttpContext;
        ProblemDetailsSetup.Customize(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        await http.Response.WriteAsJsonAsync(problem, problem.GetType(), options: null, contentType: "application/problem+json", http.RequestAborted);
    }

    private static string FieldName(string key)
    {
        var name = key.StartsWith("$.", StringComparison.Ordinal) ? key[2..] : key.TrimStart('$');
        return string.IsNullOrEmpty(name) || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>The binder's own words, unless they name .NET types (<c>System.Nullable`1[System.Guid]</c>): those are ours, not the client's.</summary>
    private static string Message(ModelError error) =>
        string.IsNullOrEmpty(error.ErrorMessage) || error.ErrorMessage.Contains("System.", StringComparison.Ordinal) ||
        error.ErrorMessage.Contains("CleanAgent.", StringComparison.Ordinal)
            ? "The value could not be read; check its type and format."
            : error.ErrorMessage;
}
