using CleanAgent.Domain.Agents;
using CleanAgent.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.UnitTests.Support;

/// <summary>The real EF model on an in-memory SQLite database that lives as long as this object.</summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public SqliteDatabase()
    {
        _connection.Open();
        Context = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(_connection).Options);
        Context.Database.Migrate();
    }

    public SqliteAppDbContext Context { get; }

    public async Task<Agent> AddAgentAsync(string name = "Support")
    {
        var agent = Agent.Create(new AgentSettings(name, "You help customers."), DateTime.UtcNow);
        Context.Agents.Add(agent);
        await Context.SaveChangesAsync(CancellationToken.None);
        return agent;
    }

    public void Dispose()
    {
        Context.Dispose();
        _connection.Dispose();
    }
}
