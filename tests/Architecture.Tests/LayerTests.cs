using System.Reflection;
using CleanAgent.Application.Agents.CreateAgent;
using CleanAgent.Domain.Agents;
using CleanAgent.Infrastructure.Persistence;
using CleanAgent.WebApi.Controllers;
using NetArchTest.Rules;

namespace CleanAgent.Architecture.Tests;

public sealed class LayerTests
{
    internal static readonly Assembly Domain = typeof(Agent).Assembly;
    internal static readonly Assembly Application = typeof(CreateAgentCommand).Assembly;
    internal static readonly Assembly Infrastructure = typeof(AppDbContext).Assembly;
    internal static readonly Assembly WebApi = typeof(AgentsController).Assembly;

    [Fact]
    public void Domain_depends_on_no_other_layer_nor_on_EF_Core_or_ASP_NET()
    {
        var result = Types.InAssembly(Domain).ShouldNot().HaveDependencyOnAny(
                "CleanAgent.Application", "CleanAgent.Infrastructure", "CleanAgent.WebApi",
                "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "Mediator", "FluentValidation", "Hangfire")
            .GetResult();

        AssertPassed(result);
    }

    [Fact]
    public void Application_depends_on_neither_Infrastructure_WebApi_Hangfire_ASP_NET_nor_vendor_SDKs()
    {
        var result = Types.InAssembly(Application).ShouldNot().HaveDependencyOnAny(
                "CleanAgent.Infrastructure", "CleanAgent.WebApi", "Hangfire", "Microsoft.AspNetCore",
                "OpenAI", "Npgsql", "Microsoft.Data.SqlClient", "Microsoft.Data.Sqlite",
                "Microsoft.EntityFrameworkCore.SqlServer", "Microsoft.EntityFrameworkCore.Sqlite", "System.Net.Http")
            .GetResult();

        AssertPassed(result);
    }

    [Fact]
    public void Infrastructure_does_not_depend_on_WebApi()
    {
        var result = Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOn("CleanAgent.WebApi").GetResult();

        AssertPassed(result);
    }

    [Fact]
    public void Controllers_never_see_Infrastructure_or_the_DbContext()
    {
        var controllers = Types.InAssembly(WebApi).That().ResideInNamespace("CleanAgent.WebApi.Controllers");
        Assert.NotEmpty(controllers.GetTypes());

        var result = controllers.ShouldNot().HaveDependencyOnAny("CleanAgent.Infrastructure", "Microsoft.EntityFrameworkCore").GetResult();

        AssertPassed(result);
    }

    [Fact]
    public void Dashboard_pages_never_see_Infrastructure_or_the_DbContext()
    {
        var components = Types.InAssembly(WebApi).That().ResideInNamespace("CleanAgent.WebApi.Components");
        Assert.NotEmpty(components.GetTypes());

        var result = components.ShouldNot().HaveDependencyOnAny("CleanAgent.Infrastructure", "Microsoft.EntityFrameworkCore").GetResult();

        AssertPassed(result);
    }

    internal static void AssertPassed(TestResult result) =>
        Assert.True(result.IsSuccessful, "Broken by: " + string.Join(", ", result.FailingTypeNames ?? []));
}
