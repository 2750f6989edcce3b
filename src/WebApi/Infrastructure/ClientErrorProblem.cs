using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// The errors MVC raises itself before an action runs (415 for a body type the action does not read, 404/405 results)
/// as the same <c>application/problem+json</c> problem as every other error, with its <c>traceId</c>: MVC's own
/// result would be served as the controllers' <c>[Produces("application/json")]</c>.
/// </summary>
internal sealed class ClientErrorProblem(ProblemDetails problem) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var http = context.HttpContext;
        ProblemDetailsSetup.Customize(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
        http.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        await http.Response.WriteAsJsonAsync(problem, problem.GetType(), options: null, contentType: "application/problem+json", http.RequestAborted);
    }

    internal sealed class Factory : IClientErrorFactory
    {
        public IActionResult GetClientError(ActionContext actionContext, IClientErrorActionResult clientError)
        {
            var status = clientError.StatusCode ?? StatusCodes.Status400BadRequest;
            return new ClientErrorProblem(new ProblemDetails
            {
                Status = status,
                Title = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
                Detail = status == StatusCodes.Status415UnsupportedMediaType
                    ? $"This operation does not read a body of type '{actionContext.HttpContext.Request.ContentType}'."
                    : null,
            });
        }
    }
}
