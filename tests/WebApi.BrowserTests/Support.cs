using Microsoft.Playwright;

namespace CleanAgent.WebApi.BrowserTests;

internal static class Support
{
    public static async Task SignInAsync(this IPage page, string email = DashboardApp.OperatorEmail, string password = DashboardApp.OperatorPassword)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>
    /// Clicks made before the page's Blazor circuit is connected are lost, so interactive pages are used only once it is:
    /// they render nothing before (no prerendering), and this waits for the element they render.
    /// </summary>
    public static async Task<ILocator> WaitForCircuitAsync(this IPage page, string selector)
    {
        var element = page.Locator(selector);
        await Assertions.Expect(element).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(element).ToBeEnabledAsync();
        return element;
    }

    public static Task ScreenshotAsync(this IPage page, DashboardApp app, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotDirectory, name + ".png"), FullPage = true });
}
