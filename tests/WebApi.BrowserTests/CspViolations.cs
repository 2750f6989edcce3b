using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CleanAgent.WebApi.BrowserTests;

/// <summary>
/// What Chromium refused under the page's policy: every <c>securitypolicyviolation</c> event of every document the
/// page loads, and every console message about the Content Security Policy.
/// </summary>
internal sealed class CspViolations
{
    private readonly ConcurrentQueue<string> _seen = new();

    public static async Task<CspViolations> WatchAsync(IPage page)
    {
        var violations = new CspViolations();
        await page.ExposeFunctionAsync("__cleanagentCspViolation", (string v) => violations._seen.Enqueue(v));
        await page.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e => window.__cleanagentCspViolation(
              `${e.effectiveDirective} refused ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} (${location.pathname})`));
            """);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations._seen.Enqueue("console: " + message.Text);
            }
        };
        return violations;
    }

    public async Task AssertNoneAsync(IPage page)
    {
        await page.WaitForTimeoutAsync(500); // the events are dispatched asynchronously
        Assert.True(_seen.IsEmpty, "Refused under the policy:\n" + string.Join("\n", _seen));
    }

    /// <summary>The policy is really enforced: an inline script added to the page does not run, and is reported.</summary>
    public async Task AssertAnInjectedScriptIsRefusedAsync(IPage page)
    {
        await page.EvaluateAsync("""
            () => { const s = document.createElement('script'); s.textContent = 'window.__injected = true'; document.head.appendChild(s); }
            """);
        await Expect(page.Locator("body")).ToBeVisibleAsync();
        for (var i = 0; i < 50 && !_seen.Any(v => v.Contains("script-src", StringComparison.Ordinal)); i++)
        {
            await page.WaitForTimeoutAsync(100);
        }

        Assert.False(await page.EvaluateAsync<bool>("() => window.__injected === true"));
        Assert.Contains(_seen, v => v.Contains("script-src", StringComparison.Ordinal));
    }
}
