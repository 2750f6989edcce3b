using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CleanAgent.Infrastructure.Persistence;

// Used only by `dotnet ef`; the connection strings come from the environment so no host is needed.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<SqliteAppDbContext>()
        .UseSqlite(Environment.GetEnvironmentVariable("CA_SQLITE") ?? "Data Source=cleanagent.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<PostgresAppDbContext>()
        .UseNpgsql(Environment.GetEnvironmentVariable("CA_POSTGRES") ?? "Host=127.0.0.1;Database=cleanagent;Username=postgres").Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerAppDbContext>
{
    public SqlServerAppDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<SqlServerAppDbContext>()
        .UseSqlServer(Environment.GetEnvironmentVariable("CA_SQLSERVER") ?? "Server=localhost;Database=CleanAgent;Trusted_Connection=True;TrustServerCertificate=True").Options);
}
