using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CleanAgent.Application.Replies;
using CleanAgent.Application.Replies.ReplyToConversation;
using CleanAgent.WebApi.FunctionalTests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CleanAgent.WebApi.FunctionalTests.Media;

/// <summary>
/// Speech slower than the reply's lease: the run keeps the conversation while the speech endpoint works (the lease is
/// made to cover the speech time-out before each call), so no other run takes it over and answers again. The other run is
/// started by the test while a speech call is under way, past the lease: what another instance's run would do (this
/// process itself never runs one conversation twice).
/// </summary>
public sealed class SpeechLeaseTests(SqliteShortLeaseMediaApp app) : DatabaseTest<SqliteShortLeaseMediaApp>(app), IClassFixture<SqliteShortLeaseMediaApp>
{
    private const string PhoneNumberId = "106540352242944";
    private const string Customer = "16315551183";

    [Fact]
    public async Task Transcription_and_speech_slower_than_the_lease_are_done_once_and_answered_once()
    {
        var slow = TimeSpan.FromSeconds(SqliteShortLeaseMediaApp.LeaseSeconds + 6);
        var transcribing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var speaking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        App.GraphAcceptsEverything();
        App.GraphAcceptsUploads();
        App.Speech.Reset();
        App.Speech.Given(Request.Create().WithPath("/v1/audio/transcriptions").UsingPost())
            .RespondWith(Response.Create().WithCallback(async _ =>
            {
                transcribing.TrySetResult();
                await Task.Delay(slow);
                return Answer("application/json", System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { text = "Do you deliver to the station?" })));
            }));
        App.Speech.Given(Request.Create().WithPath("/v1/audio/speech").UsingPost())
            .RespondWith(Response.Create().WithCallback(async _ =>
            {
                speaking.TrySetResult();
                await Task.Delay(slow);
                return Answer("audio/ogg", MediaTestApp.VoiceNote(0.5));
            }));
        App.LlmAnswers("Yes, we deliver to the station.");
        using var admin = App.CreateAdminClient();
        var agent = await HttpAssert.JsonAsync(
            await admin.PostAsJsonAsync("/api/agents", new { name = "Bella", prompt = "You are Bella.", voiceReplies = "WhenCustomerSpeaks" }), HttpStatusCode.Created);
        await admin.AddNumberAsync(PhoneNumberId, agentId: agent.GetProperty("id").GetGuid());
        var note = MediaTestApp.VoiceNote();
        App.ServeMedia("media-slow-1", note, "audio/ogg; codecs=opus");
        using var client = App.CreateClient();

        var webhook = MediaTestApp.MediaWebhook(PhoneNumberId, Customer, "wamid.SLOWVOICE1", "audio", new JsonObject
        {
            ["mime_type"] = "audio/ogg; codecs=opus",
            ["sha256"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(note)),
            ["id"] = "media-slow-1",
            ["voice"] = true,
        });
        Assert.Equal(HttpStatusCode.OK, (await client.PostWebhookAsync(webhook)).StatusCode);
        var conversationId = await ReplyTestApp.EventuallyReadAsync(
            () => App.WithDbAsync(db => db.Conversations.AsNoTracking().Select(c => c.Id).FirstOrDefaultAsync()), id => id != Guid.Empty, "the conversation is stored");

        // Past the lease while the speech endpoint works, another run tries to take the conversation: it must not.
        await transcribing.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(SqliteShortLeaseMediaApp.LeaseSeconds + 1));
        Assert.Equal(ReplyOutcomeKind.NotClaimed, (await CompetingRunAsync(conversationId)).Kind);
        await speaking.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(SqliteShortLeaseMediaApp.LeaseSeconds + 1));
        Assert.Equal(ReplyOutcomeKind.NotClaimed, (await CompetingRunAsync(conversationId)).Kind);

        await ReplyTestApp.EventuallyAsync(async () => App.SentAudios().Count >= 1, "the voice note was sent", seconds: 120);
        await ReplyTestApp.EventuallyAsync(
            () => App.WithDbAsync(db => db.Conversations.AsNoTracking().AnyAsync(c => !c.ReplyPending)), "the reply is finished", seconds: 60);
        // Several leases and sweeps: a second run that took the conversation over would show now.
        await Task.Delay(TimeSpan.FromSeconds((SqliteShortLeaseMediaApp.LeaseSeconds * 2) + 2));

        Assert.Single(App.Speech.LogEntries, e => e.RequestMessage.Path == "/v1/audio/transcriptions");
        Assert.Single(App.SpeechRequests());
        Assert.Single(App.LlmRequests());
        Assert.Single(await App.UploadsAsync());
        Assert.Single(App.SentAudios());
        Assert.Empty(App.SentTexts());
        var messages = await App.WithDbAsync(db => db.Messages.AsNoTracking().ToListAsync());
        Assert.Equal("Do you deliver to the station?", Assert.Single(messages, m => m.Direction == Domain.Conversations.MessageDirection.Inbound).Transcript);
        var outbound = Assert.Single(messages, m => m.Direction == Domain.Conversations.MessageDirection.Outbound);
        Assert.Equal(Domain.Conversations.MessageStatus.Sent, outbound.Status);
    }

    private async Task<ReplyOutcome> CompetingRunAsync(Guid conversationId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ReplyToConversationCommand(conversationId));
    }

    private static WireMock.IResponseMessage Answer(string contentType, byte[] body) => new WireMock.ResponseMessage
    {
        StatusCode = 200,
        Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new(contentType) },
        BodyData = new WireMock.Util.BodyData { DetectedBodyType = WireMock.Types.BodyType.Bytes, BodyAsBytes = body },
    };
}
