using CleanAgent.Application;
using CleanAgent.Infrastructure;
using CleanAgent.Infrastructure.Persistence;
using CleanAgent.WebApi;
using CleanAgent.WebApi.Dashboard;
using CleanAgent.WebApi.Infrastructure;
using CleanAgent.WebApi.Infrastructure.OpenApi;
using Hangfire;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddSeedGuideAliases();
if (!builder.Environment.IsDevelopment())
{
    // The dashboard's CSS and blazor.web.js are served from the build output too (dotnet run, tests), not only when published.
    builder.WebHost.UseStaticWebAssets();
}

builder.Services
    .AddApplication()
    .AddInfrastructure(builder.Configuration)
    .AddWebApi(builder.Configuration, builder.Environment);

var app = builder.Build();

await app.Services.MigrateDatabaseAsync();
await app.Services.SeedOperatorsAsync(app.Configuration, app.Environment);

app.UseSecurityHeaders();
app.UseFailingClientLimit();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAdminApiDocument();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.UseHangfireDashboard("/hangfire", new DashboardOptions
{
    AsyncAuthorization = [new HangfireDashboardAuthorization()],
    DashboardTitle = "CleanAgent reply jobs",
    IgnoreAntiforgeryToken = false,
});
app.MapHealthChecks("/health");
app.MapStaticAssets();
app.MapControllers();
app.MapDashboard();

await app.RunAsync();

/// <summary>The entry point, public so that functional tests can host the app.</summary>
public partial class Program;
