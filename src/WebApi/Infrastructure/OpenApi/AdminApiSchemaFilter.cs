using CleanAgent.Application.Numbers;
using CleanAgent.Domain.Numbers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CleanAgent.WebApi.Infrastructure.OpenApi;

/// <summary>What the types alone don't tell: the <c>traceId</c> every problem carries, and the rules of a number's fields.</summary>
internal sealed class AdminApiSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return;
        }

        if (typeof(ProblemDetails).IsAssignableFrom(context.Type))
        {
            concrete.Description = "An RFC 9457 problem.";
            concrete.Properties ??= new Dictionary<string, IOpenApiSchema>();
            concrete.Properties["traceId"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The request's trace id, to find it in the logs.",
            };
        }
        else if (typeof(IWhatsAppNumberFields).IsAssignableFrom(context.Type) && concrete.Properties is { } properties)
        {
            // The fields are nullable in C# so that the validator, not the JSON reader, names what is missing.
            concrete.Required = new HashSet<string>(["phoneNumber", "displayName", "phoneNumberId"]);
            if (properties.ContainsKey("status"))
            {
                properties["status"] = context.SchemaGenerator.GenerateSchema(typeof(NumberStatus), context.SchemaRepository);
            }
        }
    }
}
