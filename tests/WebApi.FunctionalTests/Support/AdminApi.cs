using CleanAgent.AdminApiClient;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>The typed client Kiota generates from docs/openapi.json, pointed at the test app, as an integrator would use it.</summary>
public static class AdminApi
{
    public static CleanAgentClient CreateAdminApiClient(this TestApp app)
    {
        var http = app.CreateClient();
        // Kiota's ApiKeyAuthenticationProvider refuses plain http, which is all the in-process test server speaks.
        http.DefaultRequestHeaders.Add("X-Api-Key", TestApp.ApiKey);
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = http.BaseAddress!.ToString().TrimEnd('/'),
        };
        return new CleanAgentClient(adapter);
    }
}
