using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Conversations;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CleanAgent.WebApi.FunctionalTests.Replies;

/// <summary>
/// Reply runs keep numbers in a process-wide cache that any save of an agent or number empties: this test runs alone
/// (its own collection, without parallel tests), so the cache is warm when the token changes behind it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TokenRotationCollection
{
    public const string Name = "Token rotation (alone: the cache of numbers is process-wide)";
}

[Collection(TokenRotationCollection.Name)]
public sealed class TokenRotationTests(SqliteReplyApp app) : DatabaseTest<SqliteReplyApp>(app), IClassFixture<SqliteReplyApp>
{
    private const string PhoneNumberId = "106540352242922";
    private const string Customer = "16315551181";

    [Fact]
    public async Task A_token_changed_through_another_instance_is_used_when_meta_refuses_the_cached_one()
    {
        App.GraphAcceptsEverything();
        App.LlmAnswers("Here you go.");
        var admin = App.CreateAdminClient();
        var numberId = await admin.AddNumberAsync(PhoneNumberId, agentId: await App.AddAgentAsync(admin));
        using var client = App.CreateClient();
        await client.PostWebhookAsync(Meta.TextWebhook(PhoneNumberId, Customer, "wamid.CACHED", "Hello", "Ana", DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count == 1, "the first answer, which caches the number");

        // Another instance stores a new token (a write this process's contexts never see), and Meta revokes the old one.
        const string newToken = "fake-rotated-token";
        var stored = App.Services.GetRequiredService<ISecretProtector>().Protect(newToken);
        await App.WithDbAsync(db => db.WhatsAppNumbers.Where(n => n.Id == numberId).ExecuteUpdateAsync(s => s.SetProperty(n => n.ProtectedAccessToken, stored)));
        App.Graph.Given(Request.Create().WithPath("/*").UsingPost().WithHeader("Authorization", $"Bearer {Meta.AccessToken}"))
            .AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json").WithBody(FakeHttpServer.Fixture("graph_error_190_graph_docs.json")));

        await client.PostWebhookAsync(Meta.TextWebhook(PhoneNumberId, Customer, "wamid.ROTATED", "Are you there?", "Ana", DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));
        await ReplyTestApp.EventuallyAsync(async () => App.SentTexts().Count == 3, "the refused send and the one with the new token");

        var afterRotation = App.SentTexts().Skip(1).Select(s => (s.Status, s.Authorization)).ToList();
        Assert.Equal([(401, $"Bearer {Meta.AccessToken}"), (200, $"Bearer {newToken}")], afterRotation);
        var answers = await App.WithDbAsync(db => db.Messages.AsNoTracking().Where(m => m.Direction == MessageDirection.Outbound).ToListAsync());
        Assert.All(answers, m => Assert.Equal(MessageStatus.Sent, m.Status));
        Assert.DoesNotContain(App.Logs.GetSnapshot(), r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }
}
