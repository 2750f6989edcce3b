using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// The reply-jobs dashboard is the operators' like the rest of the dashboard: a signed-in operator, never decided by the
/// client's address (a same-host proxy or tunnel makes every client look local, and a forwarded header can claim to be
/// 127.0.0.1). Its POST actions keep Hangfire's antiforgery check.
/// </summary>
internal sealed class HangfireDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var operatorCookie = await context.GetHttpContext().AuthenticateAsync(IdentityConstants.ApplicationScheme);
        return operatorCookie.Succeeded;
    }
}
