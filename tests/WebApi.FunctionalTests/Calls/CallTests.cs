using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CleanAgent.Domain.Conversations;
using CleanAgent.Infrastructure.Calls.Media;
using CleanAgent.WebApi.FunctionalTests.Support;
using Concentus;
using Concentus.Enums;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.WebApi.FunctionalTests.Calls;

/// <summary>
/// WhatsApp calls through the real webhook, call engine, Graph client, Janus client and RTP socket; Meta's Graph API,
/// Janus and the LLM faked over HTTP, the test playing Janus's media side on UDP.
/// </summary>
public sealed partial class CallTests : DatabaseTest<SqliteCallApp>, IClassFixture<SqliteCallApp>
{
    private const string PhoneNumberId = "106540352242933";
    private const string Customer = "16315551190";
    private const string Offer = "v=0\r\no=- 42 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=setup:actpass\r\n";

    public CallTests(SqliteCallApp app)
        : base(app)
    {
        var settings = app.CallSettings;
        settings.JanusUrl = app.Janus.Url;
        settings.MaxConcurrent = 4;
        settings.NoSpeechTimeoutSeconds = 120;
        app.Janus.GenerateError = null;
        app.Clock.Now = null;
        app.Speech.Transcribes("When do you open?");
        app.Janus.Requests.Clear();
        app.Janus.PlainAnswers.Clear();
    }

    private async Task<Guid> SetUpAsync(bool callsEnabled = true, object? callHours = null)
    {
        App.GraphAcceptsEverything();
        App.LlmAnswers("We open at nine.");
        using var admin = App.CreateAdminClient();
        var agentId = await App.AddAgentAsync(admin);
        var body = Numbers.ValidBody(PhoneNumberId, Meta.AppSecret, Meta.AccessToken);
        body["agentId"] = agentId;
        body["callsEnabled"] = callsEnabled;
        body["callHours"] = callHours;
        return (await Numbers.AddAsync(admin, body)).GetProperty("id").GetGuid();
    }

    private async Task PostAsync(string callId, string @event, int? duration = null)
    {
        using var client = App.CreateClient();
        var response = await client.PostWebhookAsync(CallTestApp.CallWebhook(PhoneNumberId, Customer, callId, @event, @event == "connect" ? Offer : null, duration));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private List<(string Action, string Body)> CallActions() => App.Graph.LogEntries
        .Where(e => e.RequestMessage.Path.EndsWith("/calls", StringComparison.Ordinal))
        .OrderBy(e => e.RequestMessage.DateTime)
        .Select(e => (ActionOf(e.RequestMessage.Body!), e.RequestMessage.Body!))
        .ToList();

    private static string ActionOf(string body) => ActionPattern().Match(body).Groups[1].Value;

    private Task WaitForActionsAsync(params string[] actions) =>
        ReplyTestApp.EventuallyAsync(() => Task.FromResult(CallActions().Select(a => a.Action).SequenceEqual(actions)), "Graph call actions " + string.Join(", ", actions));

    private Task<Message> CallMessageAsync(string callId) =>
        App.WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.WhatsAppMessageId == callId));

    private Task<List<Message>> TurnsAsync() =>
        App.WithDbAsync(db => db.Messages.AsNoTracking().Where(m => m.Type == Message.CallTurnType).OrderBy(m => m.CreatedAt).ToListAsync());

    [SkippableFact]
    public async Task Answered_call_greets_hears_the_caller_answers_with_the_agent_and_frees_everything_on_terminate()
    {
        RequireDatabase();
        await SetUpAsync();

        await PostAsync("wacid.HAPPY1", "connect");

        await WaitForActionsAsync("pre_accept", "accept");
        Assert.All(CallActions(), a => Assert.Contains("\"sdp\":\"v=0", a.Body, StringComparison.Ordinal));
        Assert.All(CallActions(), a => Assert.Contains("janus-answer", a.Body, StringComparison.Ordinal));
        Assert.Equal(Offer, Assert.Single(App.Janus.Offers.TakeLast(1)));
        var ourPort = int.Parse(RtpPortPattern().Match(App.Janus.PlainAnswers.Last()).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var caller = new Caller(App.Media, ourPort);

        // The greeting is heard first.
        var greeting = await caller.ReceiveAsync(minimumPackets: 20);
        Assert.True(greeting >= 20);
        // The speech server logs a request just after it answers it: wait for the entry rather than race it.
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.Speech.Said.Count > 0), "the greeting synthesized");
        Assert.Equal("Hello, this is Bella. How can I help you?", App.Speech.Said[0]);

        // The caller asks; the agent's answer comes back as audio.
        await caller.SpeakAsync(TimeSpan.FromMilliseconds(1200));
        await caller.SilenceAsync(TimeSpan.FromMilliseconds(1000));
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.Speech.Said.Contains("We open at nine.")), "the agent's answer spoken");
        Assert.True(await caller.ReceiveAsync(minimumPackets: 20) >= 20);
        Assert.Single(App.Speech.Heard);
        Assert.True(App.Speech.Heard.Single() > 16000 * 2, "the turn's audio reached speech-to-text");

        var turns = await TurnsAsync();
        Assert.Equal(
            ["Outbound:Hello, this is Bella. How can I help you?", "Inbound:When do you open?", "Outbound:We open at nine."],
            turns.Select(t => $"{t.Direction}:{t.Text}"));
        var prompt = App.LlmRequests().Last().ToString();
        Assert.Contains("When do you open?", prompt, StringComparison.Ordinal);
        Assert.Contains("Pizzeria Roma", prompt, StringComparison.Ordinal);

        await PostAsync("wacid.HAPPY1", "terminate", duration: 7);
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.Calls.ActiveCalls == 0 && App.Janus.Destroyed == 1), "the call freed");
        Assert.Equal(1, App.Janus.HungUp);
        Assert.Equal(0, App.Janus.Sessions);
        var call = await CallMessageAsync("wacid.HAPPY1");
        Assert.Equal("completed", call.CallStatus);
        Assert.NotNull(call.CallDurationSeconds);
        Assert.Equal(["pre_accept", "accept"], CallActions().Select(a => a.Action));
        var stats = App.Calls.Finished.Last();
        Assert.Single(stats.ResponseLatencies);
        Console.WriteLine($"calls: end of turn → first audio back {stats.ResponseLatencies[0]:F0} ms (fake Janus, instant fake speech and model)");

        // The conversation's history shows the call's turns to the API too.
        using var admin = App.CreateAdminClient();
        var conversationId = turns[0].ConversationId;
        var history = await admin.GetStringAsync($"/api/conversations/{conversationId}/messages");
        Assert.Contains("We open at nine.", history, StringComparison.Ordinal);
        Assert.Contains(Message.CallTurnType, history, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Call_to_a_number_without_callsEnabled_is_rejected_without_touching_Janus()
    {
        RequireDatabase();
        await SetUpAsync(callsEnabled: false);

        await PostAsync("wacid.OFF1", "connect");

        await WaitForActionsAsync("reject");
        Assert.Empty(App.Janus.Requests);
        await ReplyTestApp.EventuallyAsync(async () => (await CallMessageAsync("wacid.OFF1")).CallStatus == "rejected", "the call stored as rejected");
    }

    [SkippableFact]
    public async Task Call_outside_the_numbers_call_hours_is_rejected_and_stored_with_its_reason_and_one_within_is_answered()
    {
        RequireDatabase();
        await SetUpAsync(callHours: new
        {
            timeZone = "Europe/Rome",
            ranges = new[] { new { days = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" }, from = "09:00", to = "18:00" } },
        });

        App.Clock.Now = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero); // Saturday, 11:00 in Rome
        await PostAsync("wacid.SATURDAY", "connect");

        await WaitForActionsAsync("reject");
        Assert.Empty(App.Janus.Requests);
        await ReplyTestApp.EventuallyAsync(async () => (await CallMessageAsync("wacid.SATURDAY")).CallStatus == "rejected", "the call stored as rejected");
        var rejected = await CallMessageAsync("wacid.SATURDAY");
        Assert.Equal("outside the number's call hours: Mon,Tue,Wed,Thu,Fri 09:00-18:00 (Europe/Rome)", rejected.ErrorTitle);
        using (var admin = App.CreateAdminClient())
        {
            var history = await admin.GetStringAsync($"/api/conversations/{rejected.ConversationId}/messages");
            Assert.Contains("outside the number's call hours", history, StringComparison.Ordinal);
        }

        App.Clock.Now = new DateTimeOffset(2026, 12, 2, 16, 59, 0, TimeSpan.Zero); // Wednesday, 17:59 in Rome
        await PostAsync("wacid.WEDNESDAY", "connect");

        await WaitForActionsAsync("reject", "pre_accept", "accept");
        await PostAsync("wacid.WEDNESDAY", "terminate", duration: 4);
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.Calls.ActiveCalls == 0 && App.Janus.Destroyed == 1), "the call freed");
        Assert.Null((await CallMessageAsync("wacid.WEDNESDAY")).ErrorTitle);
    }

    [SkippableFact]
    public async Task Without_Calls_JanusUrl_calls_are_rejected_and_it_is_logged_once()
    {
        RequireDatabase();
        await SetUpAsync();
        App.CallSettings.JanusUrl = null;

        await PostAsync("wacid.NOJ1", "connect");
        await PostAsync("wacid.NOJ2", "connect");

        await WaitForActionsAsync("reject", "reject");
        Assert.Empty(App.Janus.Requests);
        Assert.True(App.Logs.GetSnapshot().Count(r => r.Message.Contains("Calls:JanusUrl is not set", StringComparison.Ordinal)) <= 1);
    }

    [SkippableFact]
    public async Task Janus_down_rejects_the_call()
    {
        RequireDatabase();
        await SetUpAsync();
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var deadPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        App.CallSettings.JanusUrl = $"http://127.0.0.1:{deadPort}/janus";

        await PostAsync("wacid.DOWN1", "connect");

        await WaitForActionsAsync("reject");
        Assert.Contains(App.Logs.GetSnapshot(), r => r.Message.Contains("wacid.DOWN1", StringComparison.Ordinal) && r.Message.Contains("Could not reach Janus", StringComparison.Ordinal));
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.Calls.ActiveCalls == 0), "the call freed");
    }

    [SkippableFact]
    public async Task Generate_error_rejects_the_call_and_destroys_the_session()
    {
        RequireDatabase();
        await SetUpAsync();
        App.Janus.GenerateError = "Invalid SDP";

        await PostAsync("wacid.GENERR", "connect");

        await WaitForActionsAsync("reject");
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.Janus.Destroyed == 1), "the Janus session destroyed");
        Assert.Equal(0, App.Janus.Sessions);
        Assert.DoesNotContain("process", App.Janus.Requests);
    }

    [SkippableFact]
    public async Task Redelivered_connect_answers_the_call_once_and_Janus_hang_up_ends_it_with_Meta()
    {
        RequireDatabase();
        await SetUpAsync();

        await PostAsync("wacid.TWICE", "connect");
        await PostAsync("wacid.TWICE", "connect");
        await WaitForActionsAsync("pre_accept", "accept");
        Assert.Single(App.Janus.Requests, r => r == "generate");

        App.Janus.HangUpAll();

        await WaitForActionsAsync("pre_accept", "accept", "terminate");
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.Calls.ActiveCalls == 0 && App.Janus.Destroyed == 1), "the call freed");
    }

    [SkippableFact]
    public async Task Calls_beyond_MaxConcurrent_are_rejected()
    {
        RequireDatabase();
        await SetUpAsync();
        App.CallSettings.MaxConcurrent = 1;

        await PostAsync("wacid.FIRST", "connect");
        await WaitForActionsAsync("pre_accept", "accept");
        await PostAsync("wacid.SECOND", "connect");

        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(CallActions().Any(a => a.Action == "reject" && a.Body.Contains("wacid.SECOND", StringComparison.Ordinal))), "the second call rejected");
        Assert.DoesNotContain(CallActions(), a => a.Action == "reject" && a.Body.Contains("wacid.FIRST", StringComparison.Ordinal));

        await PostAsync("wacid.FIRST", "terminate", duration: 3);
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.Calls.ActiveCalls == 0), "the first call freed");
    }

    [SkippableFact]
    public async Task Caller_who_never_speaks_hears_a_goodbye_and_the_agent_hangs_up()
    {
        RequireDatabase();
        await SetUpAsync();
        App.CallSettings.NoSpeechTimeoutSeconds = 2;

        await PostAsync("wacid.SILENT", "connect");

        await WaitForActionsAsync("pre_accept", "accept", "terminate");
        await ReplyTestApp.EventuallyAsync(() => Task.FromResult(App.Calls.ActiveCalls == 0 && App.Janus.Destroyed == 1), "the call freed");
        Assert.Contains(App.Speech.Said, s => s.StartsWith("I can't hear you", StringComparison.Ordinal));
        Assert.Empty(App.Speech.Heard);
        Assert.Equal("completed", (await CallMessageAsync("wacid.SILENT")).CallStatus);
    }

    [SkippableFact]
    public async Task Stopping_the_service_ends_a_live_call_as_interrupted_tells_Meta_and_frees_Janus()
    {
        RequireDatabase();
        await SetUpAsync();
        var instance = App.WithWebHostBuilder(_ => { }); // a second instance on the same database, stopped below
        using (var client = instance.CreateClient())
        {
            var response = await client.PostWebhookAsync(CallTestApp.CallWebhook(PhoneNumberId, Customer, "wacid.STOPPED", "connect", Offer));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await WaitForActionsAsync("pre_accept", "accept");
        await ReplyTestApp.EventuallyAsync(async () => (await CallMessageAsync("wacid.STOPPED")) is { CallStatus: "accepted", StatusAt: not null }, "the call stored as live");
        await ReplyTestApp.EventuallyAsync(async () => (await TurnsAsync()).Count == 1, "the greeting stored");

        await instance.DisposeAsync(); // the restart's first half: the service stops with the call live

        Assert.Equal(["pre_accept", "accept", "terminate"], CallActions().Select(a => a.Action));
        var call = await CallMessageAsync("wacid.STOPPED");
        Assert.Equal(Message.CallInterrupted, call.CallStatus);
        Assert.Equal(Message.CallCutOff, call.ErrorTitle);
        Assert.NotNull(call.CallDurationSeconds);
        Assert.Equal((1, 1, 0), (App.Janus.HungUp, App.Janus.Destroyed, App.Janus.Sessions));
    }

    [SkippableFact]
    public async Task A_call_lost_with_a_crashed_process_is_ended_by_the_restarted_app_lasting_to_its_last_turn()
    {
        RequireDatabase();
        var numberId = await SetUpAsync();
        var calledAt = DateTime.UtcNow.AddSeconds(-30);
        await App.WithDbAsync(async db =>
        {
            // What a crash leaves behind: a call answered, three turns, the lease last renewed 10 s ago, never ended.
            var conversation = Conversation.Start(numberId, Customer, null, calledAt);
            db.Conversations.Add(conversation);
            var call = Message.Call(conversation, "wacid.CRASHED", customerCalled: true, calledAt, "{}", calledAt);
            call.RecordCallAnswered(calledAt.AddSeconds(1));
            call.RenewCallLease(calledAt.AddSeconds(20));
            db.Messages.AddRange(
                call,
                Message.CallTurn(conversation, fromCustomer: false, "Hello, this is Bella. How can I help you?", calledAt.AddSeconds(2)),
                Message.CallTurn(conversation, fromCustomer: true, "When do you open?", calledAt.AddSeconds(12)),
                Message.CallTurn(conversation, fromCustomer: false, "We open at nine.", calledAt.AddSeconds(14)));
            return await db.SaveChangesAsync();
        });
        Assert.Equal("accepted", (await CallMessageAsync("wacid.CRASHED")).CallStatus); // this process's leases are 60 s: not lost yet

        await using var restarted = App.WithWebHostBuilder(builder => builder.UseSetting("Calls:LeaseSeconds", "3"));
        _ = restarted.Server; // starts it: the start-up check finds the call nobody renews

        await WaitForActionsAsync("terminate");
        Assert.Contains("wacid.CRASHED", CallActions().Single().Body, StringComparison.Ordinal);
        var ended = await CallMessageAsync("wacid.CRASHED");
        Assert.Equal(Message.CallInterrupted, ended.CallStatus);
        Assert.Equal(14, ended.CallDurationSeconds);
        Assert.Equal(Message.CallCutOff, ended.ErrorTitle);
        Assert.Empty(App.Janus.Requests); // its Janus session died with the old process; Janus times it out
    }

    [GeneratedRegex("\"action\":\"([a-z_]+)\"")]
    private static partial Regex ActionPattern();

    [GeneratedRegex(@"m=audio (\d+) ")]
    private static partial Regex RtpPortPattern();

    /// <summary>The caller as Janus relays them: Opus in RTP from the socket our SDP named, and what comes back.</summary>
    private sealed class Caller(Socket socket, int appPort)
    {
        private readonly IOpusEncoder _encoder = OpusCodecFactory.CreateEncoder(48000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        private readonly IPEndPoint _app = new(IPAddress.Loopback, appPort);
        private ushort _sequence;
        private uint _timestamp;
        private long _sample;

        public Task SpeakAsync(TimeSpan length) => SendAsync(length, 12000);

        public Task SilenceAsync(TimeSpan length) => SendAsync(length, 0);

        private async Task SendAsync(TimeSpan length, short amplitude)
        {
            var frame = new short[960];
            var opus = new byte[1275];
            var packet = new byte[1400];
            for (var i = 0; i < length.TotalMilliseconds / 20; i++)
            {
                for (var s = 0; s < frame.Length; s++, _sample++)
                {
                    // A voice-like tone that comes and goes in syllables.
                    var envelope = 0.6 + 0.4 * Math.Sin(2 * Math.PI * 4 * _sample / 48000.0);
                    frame[s] = (short)(amplitude * envelope * Math.Sin(2 * Math.PI * 220 * _sample / 48000.0));
                }

                var length1 = _encoder.Encode(frame, 960, opus, opus.Length);
                var size = RtpPacket.Write(packet, 111, _sequence++, _timestamp, 0x1234, false, opus.AsSpan(0, length1));
                _timestamp += 960;
                await socket.SendToAsync(packet.AsMemory(0, size), SocketFlags.None, _app);
                await Task.Delay(20);
            }
        }

        /// <summary>Reads packets until <paramref name="minimumPackets"/> came or 30 s passed; returns how many came.</summary>
        public async Task<int> ReceiveAsync(int minimumPackets)
        {
            var buffer = new byte[2048];
            var count = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                while (count < minimumPackets)
                {
                    var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                    if (RtpPacket.TryParse(buffer.AsSpan(0, received), out var packet) && packet.PayloadType == 111)
                    {
                        count++;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }

            return count;
        }
    }
}
