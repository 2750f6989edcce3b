using CleanAgent.Infrastructure.Ai;

namespace CleanAgent.Infrastructure.UnitTests.Ai;

public sealed class OpenAiEndpointTests
{
    [Theory]
    [InlineData("http://localhost:11434", "http://localhost:11434/v1")]
    [InlineData("http://localhost:11434/", "http://localhost:11434/v1")]
    [InlineData("https://my.openai.azure.com/openai/v1", "https://my.openai.azure.com/openai/v1")]
    [InlineData("https://api.example.com/v1", "https://api.example.com/v1")]
    public void v1_is_added_only_to_a_url_without_a_path(string configured, string expected) =>
        Assert.Equal(new Uri(expected), OpenAiChatClientFactory.ResolveEndpoint(configured));

    [Fact]
    public void No_endpoint_means_the_clients_default() => Assert.Null(OpenAiChatClientFactory.ResolveEndpoint(" "));
}
