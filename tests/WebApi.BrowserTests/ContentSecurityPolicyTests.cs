using System.Collections.Concurrent;
using CleanAgent.Infrastructure.Jobs;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CleanAgent.WebApi.BrowserTests;

/// <summary>
/// The pages work in Chromium under their Content-Security-Policy: nothing they need is refused, and what an injected
/// script would need is.
/// </summary>
public sealed class ContentSecurityPolicyTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Fact]
    public async Task The_dashboard_signs_in_and_its_interactive_page_works_with_nothing_refused()
    {
        var (page, violations) = await OpenWatchedPageAsync();

        await page.GotoAsync("/");
        await page.SignInAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Try it" }).First.ClickAsync();
        var box = await page.WaitForCircuitAsync("#simulator-text");
        await box.FillAsync("what are your opening hours?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(page.Locator(".simulator li.bubble.in").First).ToContainTextAsync("what are your opening hours?");
        await Expect(page.Locator(".simulator li.bubble.out").First).ToContainTextAsync("Monday to Friday", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "Agents" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Agents", Level = 1 })).ToBeVisibleAsync();

        await violations.AssertNoneAsync(page);
        await violations.AssertAnInjectedScriptIsRefusedAsync(page);
    }

    [Fact]
    public async Task Swagger_ui_renders_the_operations_with_nothing_refused()
    {
        var (page, violations) = await OpenWatchedPageAsync();

        await page.GotoAsync("/swagger");
        var operations = page.Locator(".opblock");
        await Expect(operations.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.True(await operations.CountAsync() > 10);
        await operations.First.Locator(".opblock-summary").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Try it out" }).First).ToBeVisibleAsync();

        await violations.AssertNoneAsync(page);
        await violations.AssertAnInjectedScriptIsRefusedAsync(page);
    }

    [Fact]
    public async Task A_signed_in_operator_sees_the_hangfire_dashboard_with_nothing_refused()
    {
        var jobId = app.Services.GetRequiredService<IBackgroundJobClient>()
            .Schedule<ReplyToConversationJob>(j => j.RunAsync(Guid.NewGuid(), CancellationToken.None), TimeSpan.FromDays(1));
        var (page, violations) = await OpenWatchedPageAsync();
        await page.SignInAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();

        await page.GotoAsync("/hangfire");
        await Expect(page.Locator("#realtimeGraph, .hangfire-chart, canvas").First).ToBeVisibleAsync();
        await Expect(page.Locator(".navbar-brand")).ToContainTextAsync("CleanAgent reply jobs");
        await page.GotoAsync("/hangfire/jobs/scheduled");
        await Expect(page.Locator($"a.job-method[href$='/jobs/details/{jobId}']")).ToBeVisibleAsync();
        await page.GotoAsync($"/hangfire/jobs/details/{jobId}");
        await Expect(page.Locator(".state-card").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(app, "hangfire-job");

        await violations.AssertNoneAsync(page);
        await violations.AssertAnInjectedScriptIsRefusedAsync(page);
    }

    private async Task<(IPage Page, CspViolations Violations)> OpenWatchedPageAsync()
    {
        var page = await app.NewPageAsync();
        return (page, await CspViolations.WatchAsync(page));
    }
}

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
