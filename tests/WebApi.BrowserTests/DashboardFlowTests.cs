using CleanAgent.Infrastructure.Jobs;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CleanAgent.WebApi.BrowserTests;

/// <remarks>One dashboard app at a time in this process: Hangfire's log provider and global filters are process-wide, set by the app that started last, so an app running beside another logs through the other's logger factory and fails once that one is disposed. One after the other is fine: each app sets them again when it starts.</remarks>
[Collection(DashboardApp.Collection)]
public sealed class DashboardFlowTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    [Fact]
    public async Task An_operator_signs_in_adds_a_number_tries_an_agent_reads_the_conversation_and_signs_out()
    {
        var page = await app.NewPageAsync();
        var refused = await CspViolations.WatchAsync(page); // the whole flow runs under the pages' Content-Security-Policy

        // 1. Sign in: a wrong password is refused with a message, the right one opens the overview.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.SignInAsync(password: "not-the-password");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong email or password.");
        await page.SignInAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();

        // 2. Add a number: an invalid phone number is a field error; fixed, the number is added.
        await page.GetByRole(AriaRole.Link, new() { Name = "WhatsApp Numbers" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add WhatsApp Number" }).ClickAsync();
        await page.GetByLabel("WhatsApp Number", new() { Exact = true }).FillAsync("12");
        await page.GetByLabel("Display Name", new() { Exact = true }).FillAsync("Corner Bakery");
        await page.GetByLabel("Phone Number ID", new() { Exact = true }).FillAsync("106540352242922");
        await page.GetByLabel("App Secret", new() { Exact = true }).FillAsync("browser-app-secret");
        await page.GetByLabel("Answer WhatsApp calls with the agent").CheckAsync();
        await page.GetByLabel("Call Hours Time Zone", new() { Exact = true }).FillAsync("Rome");
        await page.GetByLabel("Call Hours", new() { Exact = true }).FillAsync("Mon-Fri 09:00-18:00\nSat 10:00 - 13:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add number" }).ClickAsync();
        var phoneError = page.Locator("#phoneNumber ~ .validation-message");
        await Expect(phoneError).ToContainTextAsync("'12' is not a valid phone number");
        await Expect(page.Locator("#callHoursTimeZone ~ .validation-message")).ToContainTextAsync("'Rome' is not an IANA time zone");
        await Expect(page.GetByLabel("Answer WhatsApp calls with the agent")).ToBeCheckedAsync();
        await page.ScreenshotAsync(app, "number-form-error");

        await page.GetByLabel("WhatsApp Number", new() { Exact = true }).FillAsync("+1 650 253 0000");
        await page.GetByLabel("App Secret", new() { Exact = true }).FillAsync("browser-app-secret");
        await page.GetByLabel("Call Hours Time Zone", new() { Exact = true }).FillAsync("Europe/Rome");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add number" }).ClickAsync();

        // 3. Its webhook URL is shown for copying into Meta's form.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/numbers$"));
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Corner Bakery", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("#webhook-url")).ToHaveTextAsync(new Uri(app.BaseAddress, "/api/meta-webhook").ToString());
        await Expect(page.Locator("#verify-token")).ToHaveTextAsync("browser-verify-token");

        // Its call settings come back on the edit form; calls turned off there stay off.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit Corner Bakery" }).ClickAsync();
        await Expect(page.GetByLabel("Answer WhatsApp calls with the agent")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Call Hours Time Zone", new() { Exact = true })).ToHaveValueAsync("Europe/Rome");
        await Expect(page.GetByLabel("Call Hours", new() { Exact = true })).ToHaveValueAsync("Mon,Tue,Wed,Thu,Fri 09:00-18:00\nSat 10:00-13:00");
        await page.GetByLabel("Answer WhatsApp calls with the agent").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/numbers$"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit Corner Bakery" }).ClickAsync();
        await Expect(page.GetByLabel("Answer WhatsApp calls with the agent")).Not.ToBeCheckedAsync();
        await Expect(page.GetByLabel("Call Hours", new() { Exact = true })).ToHaveValueAsync("Mon,Tue,Wed,Thu,Fri 09:00-18:00\nSat 10:00-13:00");
        await page.GotoAsync("/numbers");

        // 4. Try it: the sandbox answers from the sample FAQ with the offline responder, and the answer is read.
        await page.GetByRole(AriaRole.Link, new() { Name = "Try it" }).First.ClickAsync();
        var box = await page.WaitForCircuitAsync("#simulator-text");
        await box.FillAsync("what are your opening hours?");
        await box.PressAsync("Enter");
        var answer = page.Locator(".simulator li.bubble.out").First;
        await Expect(answer).ToContainTextAsync("Monday to Friday 8:00-18:00", new() { Timeout = 30_000 });
        await Expect(answer.Locator(".ticks")).ToHaveAttributeAsync("aria-label", "Read", new() { Timeout = 15_000 });
        await page.ScreenshotAsync(app, "try-it");

        // 5. The conversation shows both messages with their ticks.
        await page.GetByRole(AriaRole.Link, new() { Name = "Open this conversation" }).ClickAsync();
        await page.WaitForCircuitAsync("li.bubble.in");
        await Expect(page.Locator("li.bubble.in")).ToContainTextAsync("what are your opening hours?");
        await Expect(page.Locator("li.bubble.out .ticks")).ToHaveAttributeAsync("aria-label", "Read");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sandbox customer", Level = 1 })).ToBeVisibleAsync();
        await page.ScreenshotAsync(app, "conversation");

        await page.GotoAsync("/conversations?q=sandbox");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sandbox customer" })).ToBeVisibleAsync();
        await page.GotoAsync("/numbers");
        await Expect(page.Locator(".badge", new() { HasText = "Sandbox" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(app, "numbers");

        // 6. Sign out: back at the sign-in page, and the dashboard needs signing in again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByText("You are signed out.")).ToBeVisibleAsync();
        await page.GotoAsync("/numbers");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl=%2Fnumbers"));

        await refused.AssertNoneAsync(page);
        await refused.AssertAnInjectedScriptIsRefusedAsync(page);
    }

    [Fact]
    public async Task Swagger_ui_renders_the_operations_under_its_content_security_policy()
    {
        var page = await app.NewPageAsync();
        var refused = await CspViolations.WatchAsync(page);

        await page.GotoAsync("/swagger");
        var operations = page.Locator(".opblock");
        await Expect(operations.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.True(await operations.CountAsync() > 10);
        await operations.First.Locator(".opblock-summary").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Try it out" }).First).ToBeVisibleAsync();

        await refused.AssertNoneAsync(page);
        await refused.AssertAnInjectedScriptIsRefusedAsync(page);
    }

    [Fact]
    public async Task A_signed_in_operator_sees_the_hangfire_dashboard_under_its_content_security_policy()
    {
        var jobId = app.Services.GetRequiredService<IBackgroundJobClient>()
            .Schedule<ReplyToConversationJob>(j => j.RunAsync(Guid.NewGuid(), CancellationToken.None), TimeSpan.FromDays(1));
        var page = await app.NewPageAsync();
        var refused = await CspViolations.WatchAsync(page);
        await page.SignInAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();

        await page.GotoAsync("/hangfire");
        await Expect(page.Locator(".navbar-brand")).ToContainTextAsync("CleanAgent reply jobs");
        await page.GotoAsync("/hangfire/jobs/scheduled");
        await Expect(page.Locator($"a.job-method[href$='/jobs/details/{jobId}']")).ToBeVisibleAsync();
        await page.GotoAsync($"/hangfire/jobs/details/{jobId}");
        await Expect(page.Locator(".state-card").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(app, "hangfire-job");

        await refused.AssertNoneAsync(page);
        await refused.AssertAnInjectedScriptIsRefusedAsync(page);
    }

    [Fact]
    public async Task An_operator_uploads_a_faq_and_tries_a_question_the_way_a_customer_writes_it()
    {
        var page = await app.NewPageAsync();
        await page.SignInAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await page.GotoAsync("/agents/add");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Bike shop");
        await page.GetByLabel("Prompt", new() { Exact = true }).FillAsync("You answer the shop's customers.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add agent" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Bike shop", Level = 1 })).ToBeVisibleAsync();

        await page.GetByLabel("Upload a knowledge file").SetInputFilesAsync(new FilePayload
        {
            Name = "faq.csv",
            MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("question,answer\nDo you rent bikes?,\"Yes, 15 EUR a day.\"\nWhere is your store?,\"Hafenstrasse 12.\"\n"),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(page.GetByText("faq.csv was added")).ToBeVisibleAsync();

        var box = page.GetByLabel("Try a question");
        await box.FillAsync("Hi! My son wants to know: are you renting bikes?");
        await box.PressAsync("Enter");
        var rows = page.Locator("#try-results tbody tr");
        await Expect(rows.First).ToContainTextAsync("15 EUR a day");
        await Expect(rows.First.Locator("td").Nth(1)).ToHaveTextAsync("1.00");
        await Expect(box).ToHaveValueAsync("Hi! My son wants to know: are you renting bikes?");
        await page.ScreenshotAsync(app, "knowledge-try");

        await box.FillAsync("do you sell cars");
        await box.PressAsync("Enter");
        await Expect(page.Locator("#try-results")).ToContainTextAsync("fallback reply");
    }

    [Fact]
    public async Task Every_input_has_a_label_and_the_forms_work_from_the_keyboard()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/login");
        Assert.Empty(await UnlabelledAsync(page));

        // Sign in with the keyboard alone: type, Tab to the next field, Enter submits.
        await page.GetByLabel("Email").FocusAsync();
        await page.Keyboard.TypeAsync(DashboardApp.OperatorEmail);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(DashboardApp.OperatorPassword);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();

        foreach (var path in new[] { "/", "/numbers", "/numbers/add", "/agents/add", "/conversations", "/operators" })
        {
            await page.GotoAsync(path);
            Assert.True((await UnlabelledAsync(page)).Length == 0, $"{path}: unlabelled {string.Join(", ", await UnlabelledAsync(page))}");
        }

        await page.GotoAsync("/try");
        await page.WaitForCircuitAsync("#simulator-text");
        Assert.Empty(await UnlabelledAsync(page));

        // The number form from the keyboard: Tab moves through the guide's fields in order; Enter submits and errors show.
        await page.GotoAsync("/numbers/add");
        await page.GetByLabel("WhatsApp Number", new() { Exact = true }).FocusAsync();
        var order = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            order.Add(await page.EvaluateAsync<string>("document.activeElement.id"));
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal(["phoneNumber", "displayName", "phoneNumberId", "status", "agentId", "appId", "appSecret", "businessId", "accessToken", "graphApiVersion"], order);
        await page.GetByLabel("Display Name", new() { Exact = true }).PressAsync("Enter");
        await Expect(page.Locator("#phoneNumber ~ .validation-message").First).ToBeVisibleAsync();
    }

    private static Task<string[]> UnlabelledAsync(IPage page) =>
        page.EvaluateAsync<string[]>(
            """
            [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
                .map(e => e.id || e.name || e.outerHTML)
            """);
}
