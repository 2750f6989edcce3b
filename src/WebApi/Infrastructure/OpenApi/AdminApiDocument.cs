using Microsoft.OpenApi;

namespace CleanAgent.WebApi.Infrastructure.OpenApi;

/// <summary>
/// The admin API's OpenAPI document (Swashbuckle), committed as <c>docs/openapi.json</c> and checked by a test,
/// so every change to it is a diff in review. The filters beside this class add what attributes cannot say once
/// for every route: security, the answers every admin route can give, problem media types, tags, examples.
/// </summary>
internal static class AdminApiDocument
{
    public const string Name = "v1";
    public const string Path = "/swagger/v1/swagger.json";

    public static IServiceCollection AddAdminApiDocument(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(c =>
        {
            c.SwaggerDoc(Name, new OpenApiInfo
            {
                Title = "CleanAgent admin API",
                Version = "v1",
                Description = """
                    Agents, WhatsApp numbers, knowledge files and conversations of a CleanAgent instance.

                    Every admin operation needs an admin key (`Admin:ApiKeys`) in the `X-Api-Key` header; in Swagger UI click
                    **Authorize**. `/api/meta-webhook` is Meta's door: it is authenticated by Meta's signature instead.

                    Conventions: JSON in camelCase, enums as strings, ids as GUIDs (`3fa85f64-5717-4562-b3fc-2c963f66afa6`),
                    timestamps in UTC ISO 8601 with `Z`. Lists that grow without bound are paged with `page` and `pageSize`
                    and answer a page envelope (`items`, `page`, `pageSize`, `totalCount`, `totalPages`); short lists an
                    operator curates are plain arrays. Every error is an RFC 9457 problem (`application/problem+json`)
                    with a `traceId`; a 400 for invalid fields lists them under `errors`.
                    """,
            });
            c.AddSecurityDefinition(ApiKeyAuthenticationHandler.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "An admin key from Admin:ApiKeys.",
            });
            c.SupportNonNullableReferenceTypes();
            c.NonNullableReferenceTypesAsRequired();
            c.OperationFilter<AdminApiOperationFilter>();
            c.SchemaFilter<AdminApiSchemaFilter>();
            c.DocumentFilter<AdminApiDocumentFilter>();
            foreach (var assembly in new[] { "CleanAgent.WebApi", "CleanAgent.Application" })
            {
                var xml = System.IO.Path.Combine(AppContext.BaseDirectory, assembly + ".xml");
                if (File.Exists(xml))
                {
                    c.IncludeXmlComments(xml);
                }
            }
        });
        return services;
    }

    /// <summary>Serves the document and Swagger UI; the document's server is <c>PublicBaseUrl</c> when set, else this host.</summary>
    public static WebApplication UseAdminApiDocument(this WebApplication app)
    {
        app.UseSwagger(o => o.PreSerializeFilters.Add((document, request) =>
        {
            var configured = app.Configuration["PublicBaseUrl"];
            document.Servers =
            [
                string.IsNullOrWhiteSpace(configured)
                    ? new OpenApiServer { Url = request.PathBase.HasValue ? request.PathBase.Value : "/", Description = "This CleanAgent instance" }
                    : new OpenApiServer { Url = configured.TrimEnd('/'), Description = "This CleanAgent instance (PublicBaseUrl)" },
            ];
        }));
        // The admin key typed into "Authorize" lives only as long as the page: persisting it would leave it in the browser's local storage.
        app.UseSwaggerUI();
        return app;
    }
}
