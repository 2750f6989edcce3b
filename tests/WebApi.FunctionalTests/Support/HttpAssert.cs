using System.Net;
using System.Text.Json;

namespace CleanAgent.WebApi.FunctionalTests.Support;

public static class HttpAssert
{
    /// <summary>Asserts an RFC 9457 problem with the given status and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Asserts a 400 whose <c>errors</c> name the field (and returns the field's messages).</summary>
    public static async Task<string[]> FieldErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), "No errors in: " + problem);
        var names = errors.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.True(errors.TryGetProperty(field, out var messages), $"No error for '{field}'; errors name: {string.Join(", ", names)}");
        return messages.EnumerateArray().Select(m => m.GetString() ?? "").ToArray();
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
