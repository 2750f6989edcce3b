using CleanAgent.Application.Common.Models;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CleanAgent.WebApi.Infrastructure.OpenApi;

/// <summary>
/// What holds for every operation, said once: the API key on admin operations (none on Meta's webhook), the
/// 401 and 415 they can answer, errors as <c>application/problem+json</c>, JSON bodies as <c>application/json</c>,
/// answers sorted by status, and the request examples.
/// </summary>
internal sealed class AdminApiOperationFilter : IOperationFilter
{
    private const string ProblemJson = "application/problem+json";

    private static readonly Dictionary<int, string> DefaultDescriptions = new()
    {
        [StatusCodes.Status200OK] = "OK.",
        [StatusCodes.Status400BadRequest] = "The request is invalid: `errors` names each field and what is wrong with it.",
        [StatusCodes.Status401Unauthorized] = "The `X-Api-Key` header is missing or is not an admin key.",
        [StatusCodes.Status404NotFound] = "Not found.",
        [StatusCodes.Status409Conflict] = "The change conflicts with what is stored.",
        [StatusCodes.Status413PayloadTooLarge] = "The body is too large.",
        [StatusCodes.Status415UnsupportedMediaType] = "The body's `Content-Type` is not one this operation reads.",
        [StatusCodes.Status429TooManyRequests] =
            "This client address has had too many failed requests (400, 401, 413) lately (`FailingClients:MaxFailures` per `FailingClients:WindowSeconds`); try again after `Retry-After` seconds.",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var responses = operation.Responses ??= [];
        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [] },
            ];
            AddProblem(responses, context, StatusCodes.Status401Unauthorized);
        }
        else
        {
            // Said explicitly: no admin key here (Meta signs its deliveries instead), and no lock in Swagger UI.
            operation.Security = [];
        }

        // Every /api route counts a client's failures; past the limit it answers 429 (FailingClientLimit).
        if (context.ApiDescription.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true)
        {
            AddProblem(responses, context, StatusCodes.Status429TooManyRequests);
        }

        // Paging is one convention (PagedList): its bounds are stated once, here, for every paged list.
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter is { In: ParameterLocation.Query, Name: "page" or "pageSize", Schema: OpenApiSchema schema })
            {
                schema.Minimum = "1";
                schema.Maximum = parameter.Name == "pageSize" ? PagedList.MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            }
        }

        if (operation.RequestBody is null && context.MethodInfo.GetCustomAttributes(typeof(RawBodyAttribute), inherit: false).Length > 0)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The JSON exactly as Meta sent it (the signature covers its bytes).",
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
                },
            };
        }
        else if (operation.RequestBody is OpenApiRequestBody { Content: { } body } requestBody)
        {
            // MVC also reads text/json and application/*+json; the contract names the one type clients should send.
            foreach (var alias in body.Keys.Where(k => k is "text/json" or "application/*+json").ToList())
            {
                body.Remove(alias);
            }

            requestBody.Required = true;
            AddProblem(responses, context, StatusCodes.Status415UnsupportedMediaType);
            if (operation.OperationId is { } id && AdminApiExamples.Requests.TryGetValue(id, out var example) &&
                body.TryGetValue("application/json", out var json) && json is OpenApiMediaType media)
            {
                media.Example = JsonNode.Parse(example);
            }
        }

        foreach (var (code, answer) in responses)
        {
            if (answer is not OpenApiResponse response || !int.TryParse(code, out var status))
            {
                continue;
            }

            // A file download answers its bytes only; the controllers' JSON default does not apply to it.
            if (response.Content is { } files && files.ContainsKey("application/octet-stream"))
            {
                foreach (var other in files.Keys.Where(k => k != "application/octet-stream").ToList())
                {
                    files.Remove(other);
                }
            }

            if (DefaultDescriptions.TryGetValue(status, out var text) && (string.IsNullOrEmpty(response.Description) ||
                response.Description == ReasonPhrase(status)))
            {
                response.Description = text;
            }

            // Every error is served as a problem, whatever the operation produces when it succeeds.
            if (status >= 400 && response.Content is { Count: > 0 } content)
            {
                var schema = content.TryGetValue(ProblemJson, out var problem) || content.TryGetValue("application/json", out problem)
                    ? problem.Schema
                    : context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository);
                content.Clear();
                content[ProblemJson] = new OpenApiMediaType { Schema = schema };
            }
        }

        var sorted = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        responses.Clear();
        foreach (var (code, response) in sorted)
        {
            responses[code] = response;
        }
    }

    private static void AddProblem(OpenApiResponses responses, OperationFilterContext context, int status)
    {
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (responses.ContainsKey(code))
        {
            return;
        }

        responses[code] = new OpenApiResponse
        {
            Description = DefaultDescriptions[status],
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [ProblemJson] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository) },
            },
        };
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
