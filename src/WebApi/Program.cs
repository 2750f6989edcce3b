using CleanAgent.Application;
using CleanAgent.Infrastructure;
using CleanAgent.Infrastructure.Persistence;
using CleanAgent.WebApi;
using CleanAgent.WebApi.Infrastructure;
using CleanAgent.WebApi.Infrastructure.OpenApi;
using Hangfire;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddSeedGuideAliases();

builder.Services
    .AddApplication()
    .AddInfrastructure(builder.Configuration)
    .AddWebApi(builder.Configuration, builder.Environment);

var app = builder.Build();

await app.Services.MigrateDatabaseAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAdminApiDocument();
app.UseAuthentication();
app.UseAuthorization();
app.UseHangfireDashboard("/hangfire", new DashboardOptions
{
    AsyncAuthorization = [new HangfireDashboardAuthorization()],
    DashboardTitle = "CleanAgent reply jobs",
});
app.MapHealthChecks("/health");
app.MapControllers();
app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();

await app.RunAsync();

/// <summary>The entry point, public so that functional tests can host the app.</summary>
public partial class Program;
