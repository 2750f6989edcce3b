using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Text.Json.Nodes;
using CleanAgent.Application.Calls.EndLostCalls;
using CleanAgent.Domain.Conversations;
using CleanAgent.Infrastructure.Persistence;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.WebApi.FunctionalTests.Calls;

/// <summary>
/// Which instance owns a call, on SQLite and PostgreSQL: calls left ringing or pre-accepted by a lost process are ended
/// by the sweeper once their lease runs out, two instances sweeping at once end a lost call once (one conditional
/// UPDATE wins), and a <c>connect</c> redelivered to another instance is not answered twice.
/// </summary>
public abstract class CallClaimTests<TApp>(TApp app) : DatabaseTest<TApp>(app)
    where TApp : CallTestApp
{
    private const string PhoneNumberId = "106540352242955";
    private const string Offer = "v=0\r\no=- 42 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=setup:actpass\r\n";

    [SkippableFact]
    public async Task Calls_left_ringing_or_pre_accepted_by_a_lost_process_are_refused_with_Meta_once_their_lease_runs_out()
    {
        RequireDatabase();
        var numberId = await SetUpAsync();
        var at = DateTime.UtcNow.AddSeconds(-8);
        await StoreCallsAsync(numberId, at, ("wacid.NEVERTAKEN", Stage.Stored), ("wacid.TAKEN", Stage.Taken), ("wacid.PREACCEPTED", Stage.PreAccepted));
        Assert.All(await CallsAsync(), c => Assert.Null(c.ErrorTitle)); // this app's leases are 60 s: not lost yet

        await using var restarted = App.WithWebHostBuilder(builder => builder.UseSetting("Calls:LeaseSeconds", "3"));
        _ = restarted.Server; // starts it: the start-up sweep finds the calls nobody holds

        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(CallActions().Count == 3), "three call actions sent to Meta");
        Assert.Equal(
            [("reject", "wacid.NEVERTAKEN"), ("reject", "wacid.TAKEN"), ("terminate", "wacid.PREACCEPTED")],
            CallActions().OrderBy(a => a.CallId, StringComparer.Ordinal).OrderBy(a => a.Action, StringComparer.Ordinal));
        Assert.All(await CallsAsync(), c => Assert.Equal(("rejected", Message.CallNotAnswered, (int?)null), (c.CallStatus, c.ErrorTitle, c.CallDurationSeconds)));
        Assert.Empty(App.Janus.Requests); // the lost process's Janus sessions are Janus's to time out
    }

    [SkippableFact]
    public async Task Two_instances_sweeping_the_same_lost_calls_at_once_end_each_once_and_tell_Meta_once()
    {
        RequireDatabase();
        var numberId = await SetUpAsync();
        var at = DateTime.UtcNow.AddSeconds(-8);
        await StoreCallsAsync(numberId, at, ("wacid.LIVE", Stage.Answered), ("wacid.RINGING", Stage.Taken));

        // Both instances' start-up sweeps are held once they have read the lost calls, until both have: then both try to end them.
        var gate = new SweepGate(parties: 2);
        await using var first = Instance(gate);
        await using var second = Instance(gate);
        _ = first.Server;
        _ = second.Server;

        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(gate.Ends.Count == 4), "both instances tried to end both calls", seconds: 120);
        Assert.True(gate.MetTogether, "both sweeps read the lost calls before either ended one");
        Assert.Equal([0, 0, 1, 1], gate.Ends.Order()); // per call, one UPDATE matched and the other found it ended
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(CallActions().Count >= 2), "Meta told");
        await first.DisposeAsync();
        await second.DisposeAsync();

        Assert.Equal(
            [("reject", "wacid.RINGING"), ("terminate", "wacid.LIVE")],
            CallActions().OrderBy(a => a.Action, StringComparer.Ordinal));
        var calls = await CallsAsync();
        Assert.Equal(Message.CallInterrupted, calls.Single(c => c.WhatsAppMessageId == "wacid.LIVE").CallStatus);
        Assert.Equal("rejected", calls.Single(c => c.WhatsAppMessageId == "wacid.RINGING").CallStatus);

        Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Instance(SweepGate gate) => App.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Calls:LeaseSeconds", "3");
            builder.ConfigureTestServices(services =>
            {
                services.ConfigureDbContext<SqliteAppDbContext>(o => o.AddInterceptors(gate));
                services.ConfigureDbContext<PostgresAppDbContext>(o => o.AddInterceptors(gate));
            });
        });
    }

    [SkippableFact]
    public async Task A_connect_redelivered_to_another_instance_is_left_to_the_one_that_took_the_call()
    {
        RequireDatabase();
        await SetUpAsync();
        await PostAsync(App, "wacid.TWICE", "connect");
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(CallActions().Select(a => a.Action).SequenceEqual(["pre_accept", "accept"])), "the call answered");

        await using var other = App.WithWebHostBuilder(_ => { });
        await PostAsync(other, "wacid.TWICE", "connect"); // Meta redelivers; the load balancer picks the other instance
        await ReplyTestApp.EventuallyAsync(
            () => Task.FromResult(other.Services.GetFakeLogCollector().GetSnapshot().Any(r => r.Message.Contains("wacid.TWICE is already taken", StringComparison.Ordinal))),
            "the other instance saw the call taken");

        Assert.Equal(["pre_accept", "accept"], CallActions().Select(a => a.Action));
        Assert.Equal(1, App.Janus.Sessions);
        Assert.Equal(Message.CallAccepted, (await CallsAsync()).Single().CallStatus);

        await PostAsync(App, "wacid.TWICE", "terminate");
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.Calls.ActiveCalls == 0 && App.Janus.Destroyed == 1), "the call freed");
    }

    private enum Stage
    {
        Stored,
        Taken,
        PreAccepted,
        Answered,
    }

    private async Task<Guid> SetUpAsync()
    {
        App.GraphAcceptsEverything();
        App.LlmAnswers("We open at nine.");
        using var admin = App.CreateAdminClient();
        var agentId = await App.AddAgentAsync(admin);
        var body = Numbers.ValidBody(PhoneNumberId, Meta.AppSecret, Meta.AccessToken);
        body["agentId"] = agentId;
        body["callsEnabled"] = true;
        return (await Numbers.AddAsync(admin, body)).GetProperty("id").GetGuid();
    }

    /// <summary>What a lost process leaves behind: calls from different customers, each as far as it got, the last write at <paramref name="at"/>.</summary>
    private Task StoreCallsAsync(Guid numberId, DateTime at, params (string CallId, Stage Stage)[] calls) => App.WithDbAsync(async db =>
    {
        var customer = 16315551170;
        foreach (var (callId, stage) in calls)
        {
            var conversation = Conversation.Start(numberId, (customer++).ToString(System.Globalization.CultureInfo.InvariantCulture), null, at);
            db.Conversations.Add(conversation);
            var call = Message.Call(conversation, callId, customerCalled: true, at, "{}", at);
            call.ApplyCallEvent(Message.CallRinging, durationSeconds: null, connectRawJson: null);
            var got = stage == Stage.Stored
                || (call.TryClaimCall(at) && (stage == Stage.Taken || (call.TryRecordCallPreAccepted(at) && (stage == Stage.PreAccepted || call.RecordCallAnswered(at)))));
            Assert.True(got);
            db.Messages.Add(call);
        }

        return await db.SaveChangesAsync();
    });

    private Task<List<Message>> CallsAsync() =>
        App.WithDbAsync(db => db.Messages.AsNoTracking().Where(m => m.Type == Message.CallType).ToListAsync());

    private List<(string Action, string CallId)> CallActions() => App.Graph.LogEntries
        .Where(e => e.RequestMessage.Path.EndsWith("/calls", StringComparison.Ordinal))
        .Select(e => JsonNode.Parse(e.RequestMessage.Body!)!)
        .Select(body => (body["action"]!.GetValue<string>(), body["call_id"]!.GetValue<string>()))
        .ToList();

    private static async Task PostAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> instance, string callId, string @event)
    {
        using var client = instance.CreateClient();
        var response = await client.PostWebhookAsync(CallTestApp.CallWebhook(PhoneNumberId, "16315551199", callId, @event, @event == "connect" ? Offer : null));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// Holds the first <c>parties</c> lost-call reads (one per instance) until all of them have read, so that the instances
    /// race for the same calls; records the rows each conditional UPDATE of a call's status matched.
    /// </summary>
    private sealed class SweepGate(int parties) : DbCommandInterceptor
    {
        private readonly TaskCompletionSource _allRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<int> _ends = new();
        private int _reads;
        private int _metTogether = 1;

        public IReadOnlyCollection<int> Ends => _ends.ToArray();

        public bool MetTogether => Volatile.Read(ref _reads) >= parties && Volatile.Read(ref _metTogether) == 1;

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains(EndLostCallsCommand.FindTag, StringComparison.Ordinal) && Interlocked.Increment(ref _reads) <= parties)
            {
                if (Volatile.Read(ref _reads) == parties)
                {
                    _allRead.TrySetResult();
                }

                if (await Task.WhenAny(_allRead.Task, Task.Delay(TimeSpan.FromSeconds(120), cancellationToken)) != _allRead.Task)
                {
                    Volatile.Write(ref _metTogether, 0);
                }
            }

            return result;
        }

        public override ValueTask<int> NonQueryExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            // EF writes no tag into an ExecuteUpdate; these instances change a call's status only by ending lost calls.
            if (command.CommandText.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) && command.CommandText.Contains("\"CallStatus\" = @", StringComparison.Ordinal))
            {
                _ends.Enqueue(result);
            }

            return ValueTask.FromResult(result);
        }
    }
}

public sealed class CallClaimsOnSqlite(SqliteCallApp app) : CallClaimTests<SqliteCallApp>(app), IClassFixture<SqliteCallApp>;

public sealed class CallClaimsOnPostgres(PostgresCallApp app) : CallClaimTests<PostgresCallApp>(app), IClassFixture<PostgresCallApp>;
