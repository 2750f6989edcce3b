using System.Net;
using System.Text.RegularExpressions;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CleanAgent.WebApi.FunctionalTests.Dashboard;

/// <summary>The test app runs in Production with no Admin:Email/Admin:Password: it starts, and the sign-in page says what to do.</summary>
public sealed partial class DashboardAuthTests(SqliteApp app) : DatabaseTest<SqliteApp>(app), IClassFixture<SqliteApp>
{
    private HttpClient Browser() => App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task Pages_need_a_signed_in_operator()
    {
        using var client = Browser();

        foreach (var path in new[] { "/", "/numbers", "/try", "/conversations", "/operators" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login?ReturnUrl=", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_no_operator_configured_in_Production_the_sign_in_page_says_how_to_create_one()
    {
        using var client = Browser();

        var page = await client.GetStringAsync("/login");

        Assert.Contains("No operator is configured.", page, StringComparison.Ordinal);
        Assert.Contains("Admin__Email", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Development: sign in as", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_in_post_without_the_antiforgery_token_is_refused()
    {
        using var client = Browser();

        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.Email"] = "someone@example.com",
            ["Input.Password"] = "whatever-1A!",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_on_the_page()
    {
        using var client = Browser();
        var form = await client.GetAsync("/login");
        var token = AntiforgeryToken().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;

        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = "nobody@example.com",
            ["Input.Password"] = "Wrong-password-1",
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Wrong email or password.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(".AspNetCore.Identity.Application", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_admin_API_still_answers_401_without_a_key_and_never_redirects()
    {
        using var client = Browser();

        var response = await client.GetAsync("/api/whatsapp-numbers");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
