using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CleanAgent.WebApi.Infrastructure.OpenApi;

/// <summary>The tags, in the order an integrator meets them, each with what it groups.</summary>
internal sealed class AdminApiDocumentFilter : IDocumentFilter
{
    private static readonly (string Name, string Description)[] Tags =
    [
        ("Agents", "AI agents: the prompt and models that answer customers."),
        ("Knowledge", "An agent's knowledge files (CSV, text, Markdown, PDF), searched when it answers."),
        ("WhatsApp numbers", "WhatsApp Business numbers with their Meta credentials. Secrets are write-only."),
        ("Conversations", "One conversation per number and customer, with its message history."),
        ("Simulator", "Try an agent without Meta: sandbox numbers whose Graph API is simulated inside CleanAgent."),
        ("Meta webhook", "Meta's deliveries and its verification request. Authenticated by Meta's signature or verify token, not by an admin key."),
    ];

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        swaggerDoc.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
    }
}
