using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>Bodies for the WhatsApp number API, as the guide's form would send them.</summary>
public static class Numbers
{
    public static Dictionary<string, object?> ValidBody(string phoneNumberId = "123456789012345", string? appSecret = null, string? accessToken = null) => new()
    {
        ["phoneNumber"] = "+1-234-567-8900",
        ["displayName"] = "Support line",
        ["phoneNumberId"] = phoneNumberId,
        ["status"] = "Active",
        ["appId"] = "987654321",
        ["appSecret"] = appSecret ?? "app-secret-" + Guid.NewGuid().ToString("N"),
        ["businessId"] = "555666777",
        ["accessToken"] = accessToken ?? "fake-token-" + Guid.NewGuid().ToString("N"),
        ["graphApiVersion"] = "v24.0",
    };

    public static async Task<JsonElement> AddAsync(HttpClient client, Dictionary<string, object?> body)
    {
        var response = await client.PostAsJsonAsync("/api/whatsapp-numbers", body);
        return await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
    }

    public static async Task<Guid> AddAgentAsync(HttpClient client, string name = "Support")
    {
        var response = await client.PostAsJsonAsync("/api/agents", new { name, prompt = "You help customers." });
        return (await HttpAssert.JsonAsync(response, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }
}
