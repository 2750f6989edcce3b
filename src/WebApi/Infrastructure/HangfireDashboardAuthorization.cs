using System.Net;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>The dashboard is open from the machine itself; from elsewhere it needs a signed-in operator or an admin key.</summary>
internal sealed class HangfireDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        var remote = http.Connection.RemoteIpAddress;
        if (remote is not null && IPAddress.IsLoopback(remote) && !http.Request.Headers.ContainsKey("X-Forwarded-For"))
        {
            return true;
        }

        var operatorCookie = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (operatorCookie.Succeeded)
        {
            return true;
        }

        var result = await http.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
        return result.Succeeded;
    }
}
