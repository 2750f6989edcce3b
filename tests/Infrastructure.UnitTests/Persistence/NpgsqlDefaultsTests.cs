using CleanAgent.Infrastructure.Persistence;
using Npgsql;

namespace CleanAgent.Infrastructure.UnitTests.Persistence;

public sealed class NpgsqlDefaultsTests
{
    [Fact]
    public void Auto_prepare_is_turned_on_when_the_operator_did_not_set_it()
    {
        var tuned = new NpgsqlConnectionStringBuilder(
            DatabaseSettings.WithNpgsqlDefaults("Host=db;Port=5433;Username=app;Password=p;Database=cleanagent"));

        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.Equal(2, tuned.AutoPrepareMinUsages);
        Assert.Equal("db", tuned.Host);
        Assert.Equal(5433, tuned.Port);
        Assert.Equal("p", tuned.Password);
        Assert.Equal("cleanagent", tuned.Database);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;Auto Prepare Min Usages=7", 0, 7)]
    [InlineData("Host=db;MaxAutoPrepare=10", 10, 2)]
    [InlineData("Host=db;max auto prepare=0", 0, 2)]
    public void What_the_operator_set_is_kept(string connectionString, int maxAutoPrepare, int minUsages)
    {
        var tuned = new NpgsqlConnectionStringBuilder(DatabaseSettings.WithNpgsqlDefaults(connectionString));

        Assert.Equal(maxAutoPrepare, tuned.MaxAutoPrepare);
        Assert.Equal(minUsages, tuned.AutoPrepareMinUsages);
    }
}
