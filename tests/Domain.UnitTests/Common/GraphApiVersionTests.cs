using CleanAgent.Domain.Common;

namespace CleanAgent.Domain.UnitTests.Common;

public sealed class GraphApiVersionTests
{
    [Theory]
    [InlineData("v20.0")]
    [InlineData("v24.0")]
    [InlineData("v9.0")]
    [InlineData("v25.1")]
    public void Versions_shaped_vNN_N_are_well_formed(string version)
    {
        Assert.True(GraphApiVersion.HasValidShape(version));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("20.0")]
    [InlineData("v20")]
    [InlineData("v20.")]
    [InlineData("v20.00")]
    [InlineData("v120.0")]
    [InlineData("V20.0")]
    [InlineData(" v20.0")]
    [InlineData("v20.0/")]
    [InlineData("latest")]
    [InlineData("v24.0\n")]
    [InlineData("v\u0662\u0664.\u0660")]
    public void Other_shapes_are_ill_formed(string? version)
    {
        Assert.False(GraphApiVersion.HasValidShape(version));
    }

    [Fact]
    public void V20_is_valid_on_the_day_before_its_expiry()
    {
        Assert.False(GraphApiVersion.IsExpired("v20.0", new DateOnly(2026, 9, 23)));
    }

    [Fact]
    public void V20_has_expired_on_2026_09_24_and_after()
    {
        Assert.True(GraphApiVersion.IsExpired("v20.0", new DateOnly(2026, 9, 24)));
        Assert.True(GraphApiVersion.IsExpired("v20.0", new DateOnly(2027, 1, 1)));
    }

    [Theory]
    [InlineData("v19.0")]
    [InlineData("v18.0")]
    [InlineData("v17.0")]
    [InlineData("v16.0")]
    [InlineData("v2.0")]
    public void Versions_older_than_v20_have_expired(string version)
    {
        Assert.True(GraphApiVersion.IsExpired(version, new DateOnly(2026, 9, 23)));
    }

    [Fact]
    public void A_version_written_in_other_digits_is_not_taken_for_a_version()
    {
        var arabicIndic = "v\u0661\u0669.\u0660";

        Assert.False(GraphApiVersion.HasValidShape(arabicIndic));
        Assert.False(GraphApiVersion.IsExpired(arabicIndic, new DateOnly(2026, 9, 23)));
    }

    [Fact]
    public void Default_version_is_well_formed_and_not_expired()
    {
        var today = new DateOnly(2026, 11, 25);

        Assert.True(GraphApiVersion.HasValidShape(GraphApiVersion.Default));
        Assert.False(GraphApiVersion.IsExpired(GraphApiVersion.Default, today));
    }
}
