namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// Honours the environment variables of the integration guide's <c>.env.local</c> as aliases of
/// CleanAgent's own keys. An explicitly set CleanAgent key always wins.
/// </summary>
internal static class SeedGuideAliases
{
    public static void AddSeedGuideAliases(this ConfigurationManager configuration)
    {
        var aliases = new Dictionary<string, string?>();
        AddIfUnset(configuration, aliases, "WhatsApp:DefaultAgentId", configuration["WHATSAPP_VOICE_AGENT_ID"]);
        AddIfUnset(configuration, aliases, "Meta:FallbackAccessToken", configuration["NEXT_PUBLIC_META_WHATSAPP_API_TOKEN"]);

        // The guide's URL carries the version: https://graph.facebook.com/v20.0
        if (configuration["NEXT_PUBLIC_META_WHATSAPP_API_URL"] is { Length: > 0 } url &&
            Uri.TryCreate(url.TrimEnd('/'), UriKind.Absolute, out var uri))
        {
            var segments = uri.AbsolutePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            var version = segments.Length > 0 && segments[^1].StartsWith('v') ? segments[^1] : null;
            var root = version is null ? uri.ToString().TrimEnd('/') : uri.ToString().TrimEnd('/')[..^(version.Length + 1)];
            AddIfUnset(configuration, aliases, "Meta:GraphApiBaseUrl", root);
            AddIfUnset(configuration, aliases, "Meta:DefaultGraphApiVersion", version);
        }

        if (aliases.Count > 0)
        {
            configuration.AddInMemoryCollection(aliases);
        }
    }

    private static void AddIfUnset(IConfiguration configuration, Dictionary<string, string?> aliases, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && string.IsNullOrWhiteSpace(configuration[key]))
        {
            aliases[key] = value;
        }
    }
}
