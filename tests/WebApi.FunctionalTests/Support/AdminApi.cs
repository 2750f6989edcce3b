using CleanAgent.AdminApiClient;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>The typed client Kiota generates from docs/openapi.json, pointed at the test app, as an integrator would use it.</summary>
public static class AdminApi
{
    public static CleanAgentClient CreateAdminApiClient(this TestApp app, string? apiKey = TestApp.ApiKey)
    {
        // https, as in production: Kiota's ApiKeyAuthenticationProvider refuses to send a key over plain http.
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        IAuthenticationProvider authentication = apiKey is null
            ? new AnonymousAuthenticationProvider()
            : new ApiKeyAuthenticationProvider(apiKey, "X-Api-Key", ApiKeyAuthenticationProvider.KeyLocation.Header);
        var adapter = new HttpClientRequestAdapter(authentication, httpClient: http) { BaseUrl = http.BaseAddress!.ToString().TrimEnd('/') };
        return new CleanAgentClient(adapter);
    }
}
