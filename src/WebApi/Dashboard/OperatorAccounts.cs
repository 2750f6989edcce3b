using Microsoft.AspNetCore.Identity;

namespace CleanAgent.WebApi.Dashboard;

/// <summary>
/// The dashboard's operators (ASP.NET Core Identity). The first one comes from <c>Admin:Email</c> + <c>Admin:Password</c>;
/// in Development a documented dev operator exists; in Production with neither, nobody can sign in until one is set.
/// </summary>
internal static partial class OperatorAccounts
{
    public const string DevelopmentEmail = "operator@cleanagent.local";
    public const string DevelopmentPassword = "Dev-operator-1";

    public static async Task SeedOperatorsAsync(this IServiceProvider services, IConfiguration configuration, IHostEnvironment environment)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OperatorAccounts));
        if (users.Users.Any())
        {
            return;
        }

        var email = configuration["Admin:Email"];
        var password = configuration["Admin:Password"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            if (!environment.IsDevelopment())
            {
                LogNoOperator(logger);
                return;
            }

            (email, password) = (DevelopmentEmail, DevelopmentPassword);
        }

        var result = await users.CreateAsync(new IdentityUser { UserName = email.Trim(), Email = email.Trim(), EmailConfirmed = true }, password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                "Admin:Email/Admin:Password could not create the first operator: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        LogSeeded(logger);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No dashboard operator exists and Admin:Email/Admin:Password are not set: nobody can sign in to the dashboard until they are (the admin API still works with X-Api-Key)")]
    private static partial void LogNoOperator(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first dashboard operator")]
    private static partial void LogSeeded(ILogger logger);
}
