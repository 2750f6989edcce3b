using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using CleanAgent.Application.Calls;
using CleanAgent.Application.Calls.AnswerCall;
using CleanAgent.Application.Calls.EndCall;
using CleanAgent.Application.Calls.EndLostCalls;
using CleanAgent.Application.Calls.RecordCallAnswered;
using CleanAgent.Application.Calls.RecordCallPreAccepted;
using CleanAgent.Application.Calls.RenewCallLeases;
using CleanAgent.Application.Replies;
using CleanAgent.Application.Speech;
using CleanAgent.Application.Webhooks;
using CleanAgent.Infrastructure.Calls.Janus;
using CleanAgent.Infrastructure.Calls.Media;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Calls;

/// <summary>
/// Answers WhatsApp calls (docs/calls.md). A stored <c>connect</c> with an SDP offer: the call is refused
/// (<c>action: reject</c>) when its number does not take calls, when Janus is not configured or down, or beyond
/// <c>Calls:MaxConcurrent</c>; else Janus's nosip plugin gets the offer (<c>generate</c>), our RTP socket is bound, our plain
/// answer goes to <c>process</c>, and Janus's WebRTC answer goes to Meta with <c>pre_accept</c> then <c>accept</c>. The call
/// then runs as a <see cref="LiveCall"/> until Meta's <c>terminate</c>, a Janus hang-up, or the call ends itself; every
/// end hangs the handle up, destroys the session and frees the ports. Calls live in this process: a redelivered
/// <c>connect</c> of a call already seen is ignored. A stop ends live calls as <c>interrupted</c> (Meta is told); a live
/// call's lease in the database is renewed while it runs, and calls whose lease ran out (their process crashed) are
/// ended by whichever instance sees it first.
/// </summary>
internal sealed partial class CallCenter(
    IServiceScopeFactory scopes,
    IHttpClientFactory httpClients,
    IWhatsAppCallControl control,
    IOptions<CallsOptions> options,
    IOptions<CallOptions> words,
    ILogger<CallCenter> logger) : BackgroundService, ICallSignals
{
    public const string JanusHttpClient = "janus";

    private readonly Channel<(KnownNumber Number, WebhookCall Call)> _signals = Channel.CreateUnbounded<(KnownNumber, WebhookCall)>();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private readonly ConcurrentDictionary<string, Guid> _live = new(StringComparer.Ordinal);
    private int _janusUnsetLogged;
    private int _speechUnsetLogged;

    /// <summary>Calls that ended, newest last (the last 50), for logs and tests.</summary>
    public ConcurrentQueue<CallStats> Finished { get; } = new();

    public int ActiveCalls => _active.Count;

    public void Notify(KnownNumber number, WebhookCall call)
    {
        if (call.Id is not null)
        {
            _signals.Writer.TryWrite((number, call));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var leases = Task.Run(() => KeepLeasesAsync(stoppingToken), CancellationToken.None);
        try
        {
            await foreach (var (number, call) in _signals.Reader.ReadAllAsync(stoppingToken))
            {
                var key = number.Id + "/" + call.Id;
                if (call.Event == "terminate")
                {
                    if (_active.TryGetValue(key, out var hangUp))
                    {
                        await hangUp.CancelAsync();
                    }

                    _seen[key] = DateTime.UtcNow;
                    continue;
                }

                if (!_seen.TryAdd(key, DateTime.UtcNow))
                {
                    continue; // a redelivered connect, or one for a call already over
                }

                Forget(TimeSpan.FromHours(1));
                var hangUpSource = new CancellationTokenSource();
                _active[key] = hangUpSource;
                var task = Task.Run(() => HandleAsync(key, number, call, hangUpSource, stoppingToken), CancellationToken.None);
                _running[task] = true;
                _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        foreach (var call in _active.Values)
        {
            await call.CancelAsync();
        }

        await Task.WhenAll(_running.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await leases.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// Renews the leases of this process's live calls and ends the calls nobody renews (lost with a crashed or restarted
    /// process), first at start-up, then every third of <c>Calls:LeaseSeconds</c>.
    /// </summary>
    private async Task KeepLeasesAsync(CancellationToken stopping)
    {
        var lease = TimeSpan.FromSeconds(Math.Max(1, options.Value.LeaseSeconds));
        using var timer = new PeriodicTimer(lease / 3);
        try
        {
            do
            {
                try
                {
                    IReadOnlyList<LostCall> lost;
                    await using (var scope = scopes.CreateAsyncScope())
                    {
                        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
                        await mediator.Send(new RenewCallLeasesCommand(_live.Values.ToList()), stopping);
                        lost = await mediator.Send(new EndLostCallsCommand(lease), stopping);
                    }

                    foreach (var call in lost)
                    {
                        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                        if (call.Action == Domain.Conversations.LostCallAction.Terminate)
                        {
                            LogLostCallEnded(call.CallId, call.DurationSeconds);
                            await TryAsync(() => control.TerminateAsync(call.Number, call.CallId, timeout.Token));
                        }
                        else
                        {
                            LogLostCallRejected(call.CallId);
                            await TryAsync(() => control.RejectAsync(call.Number, call.CallId, timeout.Token));
                        }
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogLeaseFailed(exception.GetType().Name, exception.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private void Forget(TimeSpan after)
    {
        var before = DateTime.UtcNow - after;
        foreach (var old in _seen.Where(s => s.Value < before && !_active.ContainsKey(s.Key)))
        {
            _seen.TryRemove(old.Key, out _);
        }
    }

    private async Task HandleAsync(string key, KnownNumber known, WebhookCall call, CancellationTokenSource hangUp, CancellationToken stopping)
    {
        var callId = call.Id!;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(hangUp.Token, stopping);
            await AnswerAsync(known, call, callId, linked.Token, stopping);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogCallFailed(callId, exception.GetType().Name, exception.Message);
        }
        finally
        {
            _live.TryRemove(key, out _);
            _active.TryRemove(key, out _);
            hangUp.Dispose();
        }
    }

    private async Task AnswerAsync(KnownNumber known, WebhookCall call, string callId, CancellationToken hangUp, CancellationToken stopping)
    {
        var settings = options.Value;
        CallPlan plan;
        ISpeechTranscriber? transcriber;
        ISpeechSynthesizer? synthesizer;
        await using (var scope = scopes.CreateAsyncScope())
        {
            plan = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new AnswerCallCommand(known.Id, callId), hangUp);
            transcriber = scope.ServiceProvider.GetService<ISpeechTranscriber>();
            synthesizer = scope.ServiceProvider.GetService<ISpeechSynthesizer>();
        }

        if (plan.Taken)
        {
            LogTaken(callId);
            return;
        }

        if (plan.Number is null)
        {
            return;
        }

        var refusal = plan.RefusedBecause
            ?? (string.IsNullOrWhiteSpace(settings.JanusUrl) ? "Calls:JanusUrl is not set" : null)
            ?? (transcriber is not { IsEnabled: true } || synthesizer is not { IsEnabled: true } ? "speech-to-text or text-to-speech is not configured (Speech:*)" : null)
            ?? (string.IsNullOrWhiteSpace(call.SdpOffer) ? "the connect event has no SDP offer" : null)
            ?? (_active.Count > Math.Max(0, settings.MaxConcurrent) ? $"{settings.MaxConcurrent} calls are already answered (Calls:MaxConcurrent)" : null);
        if (refusal is not null)
        {
            await RefuseAsync(known, plan.Number, callId, refusal, hangUp);
            return;
        }

        // From here on this process holds the call: its lease is renewed until the call ends here.
        var key = known.Id + "/" + callId;
        _live[key] = plan.CallMessageId;
        var janus = new JanusClient(httpClients.CreateClient(JanusHttpClient), new Uri(settings.JanusUrl!), TimeSpan.FromSeconds(Math.Max(1, settings.JanusTimeoutSeconds)), logger);
        JanusCall media;
        try
        {
            media = await janus.OpenAsync(callId, call.SdpOffer!, hangUp);
        }
        catch (JanusException exception)
        {
            await RefuseAsync(known, plan.Number, callId, "Janus failed: " + exception.Message, hangUp);
            return;
        }

        await using (media)
        {
            using var port = RtpPort.Bind(IPAddress.Parse(settings.RtpAddress));
            var accepted = false;
            var ours = true;
            var started = Stopwatch.GetTimestamp();
            string reason;
            try
            {
                var barebone = PlainSdp.TryParse(media.BareboneOffer) ?? throw new JanusException("Janus's barebone offer has no Opus audio.");
                var answer = await media.ProcessAsync(PlainSdp.Answer(settings.RtpAddress, port.Port, barebone.OpusPayloadType), hangUp);
                await control.PreAcceptAsync(plan.Number, callId, answer, hangUp);
                ours = await RecordAsync(new RecordCallPreAcceptedCommand(plan.CallMessageId));
                if (!ours)
                {
                    throw new CallControlException("the call ended in the database before it was answered (its lease ran out and another instance ended it)");
                }

                await control.AcceptAsync(plan.Number, callId, answer, hangUp);
                accepted = true;
                ours = await RecordAsync(new RecordCallAnsweredCommand(plan.CallMessageId));
                if (!ours)
                {
                    throw new CallControlException("the call ended in the database as it was answered (Meta's terminate, or another instance ended it)");
                }

                LogAnswered(callId, known.PhoneNumberId, port.Port);

                var janusPeer = new IPEndPoint(IPAddress.Parse(barebone.Address), barebone.Port);
                var live = new LiveCall(plan, callId, port, janusPeer, barebone.OpusPayloadType, scopes, transcriber!, synthesizer!, options.Value, words.Value, logger);
                live.Stats.JanusSessionId = media.SessionId;
                using var janusHungUp = CancellationTokenSource.CreateLinkedTokenSource(hangUp);
                _ = media.HungUp.ContinueWith(_ => janusHungUp.Cancel(), TaskScheduler.Default);
                reason = await live.RunAsync(janusHungUp.Token);
                if (media.HungUp.IsCompleted && !hangUp.IsCancellationRequested)
                {
                    reason = "Janus hung up: " + await media.HungUp;
                }

                Remember(live.Stats);
                LogEnded(callId, reason, live.Stats.Turns, live.Stats.PacketsReceived, live.Stats.PacketsSent);
            }
            catch (Exception exception) when (exception is JanusException or CallControlException)
            {
                reason = exception.Message;
                LogCallFailed(callId, exception.GetType().Name, exception.Message);
            }

            var duration = (int)Stopwatch.GetElapsedTime(started).TotalSeconds;
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var stopped = stopping.IsCancellationRequested;
            if (!ours)
            {
                return; // whoever ended the call in the database told Meta and stored how it ended
            }

            if (!hangUp.IsCancellationRequested || stopped)
            {
                // We end the call (Janus lost it, the caller never spoke, it failed, or the service stops): Meta is told so.
                await TryAsync(() => accepted ? control.TerminateAsync(plan.Number, callId, cleanup.Token) : control.RejectAsync(plan.Number, callId, cleanup.Token));
            }

            var outcome = !accepted ? "failed" : stopped ? Domain.Conversations.Message.CallInterrupted : "completed";
            var why = !accepted ? reason : stopped ? Domain.Conversations.Message.CallCutOff : null;
            await RecordEndAsync(known, callId, outcome, accepted ? duration : null, cleanup.Token, why);
        }
    }

    private async Task<bool> RecordAsync(ICommand<bool> command)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command, CancellationToken.None);
    }

    private async Task RefuseAsync(KnownNumber known, SenderNumber number, string callId, string reason, CancellationToken cancellationToken)
    {
        if (reason.StartsWith("Calls:JanusUrl", StringComparison.Ordinal))
        {
            if (Interlocked.Exchange(ref _janusUnsetLogged, 1) == 0)
            {
                LogJanusUnset();
            }
        }
        else if (reason.StartsWith("speech", StringComparison.Ordinal))
        {
            if (Interlocked.Exchange(ref _speechUnsetLogged, 1) == 0)
            {
                LogRefused(callId, known.PhoneNumberId, reason);
            }
        }
        else
        {
            LogRefused(callId, known.PhoneNumberId, reason);
        }

        await TryAsync(() => control.RejectAsync(number, callId, cancellationToken));
        await RecordEndAsync(known, callId, "rejected", null, cancellationToken, reason);
    }

    private async Task RecordEndAsync(KnownNumber known, string callId, string outcome, int? duration, CancellationToken cancellationToken, string? reason = null)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new EndCallCommand(known.Id, callId, outcome, duration, reason), CancellationToken.None);
    }

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (CallControlException exception)
        {
            LogCallControlFailed(exception.Message);
        }
    }

    private void Remember(CallStats stats)
    {
        Finished.Enqueue(stats);
        while (Finished.Count > 50 && Finished.TryDequeue(out _))
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calls are refused: Calls:JanusUrl is not set (see docs/calls.md); this is logged once")]
    private partial void LogJanusUnset();

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} to phone_number_id {PhoneNumberId} refused: {Reason}")]
    private partial void LogRefused(string callId, string phoneNumberId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} to phone_number_id {PhoneNumberId} answered (RTP on port {Port})")]
    private partial void LogAnswered(string callId, string phoneNumberId, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} ended ({Reason}): {Turns} turns, {PacketsIn} packets in, {PacketsOut} out")]
    private partial void LogEnded(string callId, string reason, int turns, int packetsIn, int packetsOut);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId} failed ({Kind}): {Reason}")]
    private partial void LogCallFailed(string callId, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId} was lost with the process that answered it (a restart or crash): ended as interrupted after {DurationSeconds} s")]
    private partial void LogLostCallEnded(string callId, int durationSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId} was lost with the process that took it before it was answered: rejected")]
    private partial void LogLostCallRejected(string callId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId} is already taken (by another instance or an earlier delivery of its connect) or over: left alone")]
    private partial void LogTaken(string callId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call leases could not be renewed or checked ({Kind}): {Reason}")]
    private partial void LogLeaseFailed(string kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A call action was refused: {Reason}")]
    private partial void LogCallControlFailed(string reason);
}
