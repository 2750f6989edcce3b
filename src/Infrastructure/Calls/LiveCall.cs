using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using CleanAgent.Application.Calls;
using CleanAgent.Application.Calls.AnswerCall;
using CleanAgent.Application.Calls.AnswerCallTurn;
using CleanAgent.Application.Calls.RecordCallTurn;
using CleanAgent.Application.Speech;
using CleanAgent.Infrastructure.Calls.Media;
using Concentus;
using Concentus.Enums;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Infrastructure.Calls;

/// <summary>What one call did, for logs and tests.</summary>
internal sealed class CallStats
{
    private readonly List<double> _latencies = [];

    public string CallId { get; init; } = string.Empty;

    /// <summary>The Janus session that carried the call (destroyed when it ended).</summary>
    public long JanusSessionId { get; set; }
    public int PacketsReceived;
    public int PacketsSent;
    public int Turns;
    public int BargeIns;
    public double PeakCallerLevelDb = -120;

    /// <summary>End of each caller turn → first packet of the answer, in milliseconds.</summary>
    public IReadOnlyList<double> ResponseLatencies
    {
        get
        {
            lock (_latencies)
            {
                return [.. _latencies];
            }
        }
    }

    public void AddLatency(double milliseconds)
    {
        lock (_latencies)
        {
            _latencies.Add(milliseconds);
        }
    }
}

/// <summary>
/// The conversation loop of one answered call, on the RTP socket Janus relays to: Opus in → PCM 48 kHz → 16 kHz → energy VAD →
/// at the end of a turn speech-to-text → the agent (<see cref="AnswerCallTurnCommand"/>) → text-to-speech (PCM 24 kHz)
/// → Opus frames paced at 20 ms out. The caller speaking over the agent stops its speech (barge-in).
/// </summary>
internal sealed partial class LiveCall(
    CallPlan plan,
    string callId,
    RtpPort port,
    IPEndPoint janus,
    int opusPayloadType,
    IServiceScopeFactory scopes,
    ISpeechTranscriber transcriber,
    ISpeechSynthesizer synthesizer,
    CallsOptions options,
    CallOptions words,
    ILogger logger)
{
    private const int CallerFrame = CallAudio.CallerRate / 50;
    private const int AgentFrame = CallAudio.AgentRate / 50;
    private const int PreRollFrames = 15;

    private readonly Channel<(short[] Samples, long EndedAt)> _turns = Channel.CreateUnbounded<(short[], long)>(new() { SingleReader = true });
    private readonly IOpusDecoder _decoder = OpusCodecFactory.CreateDecoder(48000, 1);
    private readonly Downsampler _downsampler = new();
    private readonly IOpusEncoder _encoder = CreateEncoder();
    private readonly EnergyVad _vad = new(options.VadThresholdDb, options.VadMarginDb, options.EndOfTurnSilenceMilliseconds);
    private readonly Queue<short[]> _preRoll = new();
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly uint _ssrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
    private List<short>? _utterance;
    private CancellationTokenSource? _playback;
    private ushort _sequence = (ushort)Random.Shared.Next(ushort.MaxValue);
    private volatile bool _callerSpoke;

    public CallStats Stats { get; } = new() { CallId = callId };

    /// <summary>Holds the conversation until <paramref name="cancellationToken"/> ends it (hang-up) or the call ends itself; returns why it ended.</summary>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var talk = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var receiving = ReceiveAsync(stop.Token);
        var talking = TalkAsync(talk.Token);
        var silence = WatchSilenceAsync(stop.Token);
        var longest = Task.Delay(TimeSpan.FromMinutes(Math.Max(1, options.MaxCallMinutes)), stop.Token);
        var first = await Task.WhenAny(receiving, talking, silence, longest);
        var reason = cancellationToken.IsCancellationRequested ? "hung up"
            : first == silence ? "the caller never spoke"
            : first == longest ? "the longest call was reached"
            : first.IsFaulted ? "the call failed: " + first.Exception!.InnerException!.Message
            : "the call loop stopped";
        await talk.CancelAsync();
        await talking.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!cancellationToken.IsCancellationRequested && (first == silence || first == longest))
        {
            await SayAsync(words.NoSpeechGoodbye, null, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await stop.CancelAsync();
        await Task.WhenAll(receiving, silence, longest).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return reason;
    }

    private async Task WatchSilenceAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.NoSpeechTimeoutSeconds)), cancellationToken);
        if (_callerSpoke)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        var decoded = new short[5760];
        var pcm = new short[5760 / Downsampler.Factor];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await port.Rtp.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
            }
            catch (SocketException)
            {
                // An ICMP "port unreachable" for a packet we sent (Janus not relaying yet) surfaces here; it is not the end.
                await Task.Delay(20, cancellationToken);
                continue;
            }

            if (!RtpPacket.TryParse(buffer.AsSpan(0, received.ReceivedBytes), out var packet) || packet.PayloadType != opusPayloadType || packet.PayloadLength == 0)
            {
                continue;
            }

            Stats.PacketsReceived++;
            int samples;
            try
            {
                samples = _decoder.Decode(buffer.AsSpan(packet.PayloadOffset, packet.PayloadLength), decoded, decoded.Length, false);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
            {
                continue; // a damaged packet is a moment of silence, not the end of the call
            }

            samples = _downsampler.Process(decoded.AsSpan(0, samples), pcm);
            for (var offset = 0; offset + CallerFrame <= samples; offset += CallerFrame)
            {
                OnCallerFrame(pcm.AsSpan(offset, CallerFrame));
            }
        }
    }

    private void OnCallerFrame(ReadOnlySpan<short> frame)
    {
        var vad = _vad.Push(frame);
        Stats.PeakCallerLevelDb = Math.Max(Stats.PeakCallerLevelDb, _vad.LastLevelDb);
        switch (vad)
        {
            case VadEvent.SpeechStarted:
                _callerSpoke = true;
                _utterance = [.. _preRoll.SelectMany(f => f)];
                if (_playback is { IsCancellationRequested: false } playing)
                {
                    Stats.BargeIns++;
                    playing.Cancel();
                }

                break;
            case VadEvent.TurnEnded when _utterance is not null:
                _utterance.AddRange(frame);
                _turns.Writer.TryWrite(([.. _utterance], Stopwatch.GetTimestamp()));
                _utterance = null;
                return;
        }

        if (_vad.InSpeech)
        {
            _utterance?.AddRange(frame);
        }
        else if (vad == VadEvent.None && _utterance is not null && !_vad.InSpeech)
        {
            _utterance = null; // too short to be a turn
        }

        _preRoll.Enqueue(frame.ToArray());
        if (_preRoll.Count > PreRollFrames)
        {
            _preRoll.Dequeue();
        }
    }

    private async Task TalkAsync(CancellationToken cancellationToken)
    {
        // Stored while it plays, so a caller who speaks at once does not wait for the write.
        var greeting = RecordAsync(new RecordCallTurnCommand(plan.ConversationId, plan.Greeting), cancellationToken);
        await SayAsync(plan.Greeting, null, cancellationToken);
        await greeting;
        await foreach (var turn in _turns.Reader.ReadAllAsync(cancellationToken))
        {
            var heardAt = Stopwatch.GetTimestamp();
            string text;
            try
            {
                var wav = CallAudio.ToWav(turn.Samples, CallAudio.CallerRate);
                text = (await transcriber.TranscribeAsync(new SpeechAudio(wav, "audio/wav", "turn.wav"), plan.SttModel, cancellationToken)).Trim();
            }
            catch (SpeechException exception)
            {
                LogSpeechFailed(callId, "speech-to-text", exception.Message);
                continue;
            }

            if (text.Length == 0)
            {
                continue;
            }

            Stats.Turns++;
            var transcribedAt = Stopwatch.GetTimestamp();
            await using var scope = scopes.CreateAsyncScope();
            var answer = await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new AnswerCallTurnCommand(plan.ConversationId, plan.AgentId, text), cancellationToken);
            LogTurnTimes(callId, Stopwatch.GetElapsedTime(turn.EndedAt, heardAt).TotalMilliseconds,
                Stopwatch.GetElapsedTime(heardAt, transcribedAt).TotalMilliseconds, Stopwatch.GetElapsedTime(transcribedAt).TotalMilliseconds);
            await SayAsync(answer, turn.EndedAt, cancellationToken);
        }
    }

    private async Task RecordAsync(ICommand command, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command, cancellationToken);
    }

    /// <summary>Speaks <paramref name="text"/>; returns early when the caller barges in.</summary>
    private async Task SayAsync(string text, long? turnEndedAt, CancellationToken cancellationToken)
    {
        short[]? samples;
        try
        {
            samples = CallAudio.AgentSamples(await synthesizer.SynthesizeAsync(text, plan.Voice, SpeechAudioFormat.Pcm, cancellationToken));
        }
        catch (SpeechException exception)
        {
            LogSpeechFailed(callId, "text-to-speech", exception.Message);
            return;
        }

        if (samples is null)
        {
            LogSpeechFailed(callId, "text-to-speech", "the endpoint answered audio other than 16-bit mono 24 kHz PCM or WAV");
            return;
        }

        using var playback = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _playback = playback;
        try
        {
            await PlayAsync(samples, turnEndedAt, playback.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // barge-in: the caller speaks, the agent listens
        }
        finally
        {
            _playback = null;
        }
    }

    private async Task PlayAsync(short[] samples, long? turnEndedAt, CancellationToken cancellationToken)
    {
        var frame = new short[AgentFrame];
        var opus = new byte[1275];
        var packet = new byte[RtpPacket.HeaderLength + opus.Length];
        var timestamp = (uint)(Stopwatch.GetElapsedTime(_startedAt).Ticks * 48 / TimeSpan.TicksPerMillisecond);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i * AgentFrame < samples.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = samples.AsSpan(i * AgentFrame, Math.Min(AgentFrame, samples.Length - i * AgentFrame));
            chunk.CopyTo(frame);
            frame.AsSpan(chunk.Length).Clear();
            var length = _encoder.Encode(frame, AgentFrame, opus, opus.Length);
            var size = RtpPacket.Write(packet, (byte)opusPayloadType, _sequence++, timestamp, _ssrc, i == 0, opus.AsSpan(0, length));
            timestamp += 960;
            await port.Rtp.SendToAsync(packet.AsMemory(0, size), SocketFlags.None, janus, cancellationToken);
            Stats.PacketsSent++;
            if (i == 0 && turnEndedAt is { } ended)
            {
                var latency = Stopwatch.GetElapsedTime(ended).TotalMilliseconds;
                Stats.AddLatency(latency);
                LogFirstAudio(callId, latency);
            }

            var wait = TimeSpan.FromMilliseconds(20 * (i + 1)) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }
        }
    }

    private static IOpusEncoder CreateEncoder()
    {
        var encoder = OpusCodecFactory.CreateEncoder(CallAudio.AgentRate, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        encoder.Bitrate = 24000;
        encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
        return encoder;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: the agent's first audio went out {LatencyMs:F0} ms after the caller's turn ended")]
    private partial void LogFirstAudio(string callId, double latencyMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallId}: turn queued {QueuedMs:F0} ms, speech-to-text {SttMs:F0} ms, agent {AgentMs:F0} ms")]
    private partial void LogTurnTimes(string callId, double queuedMs, double sttMs, double agentMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: {Step} failed, the turn is skipped: {Reason}")]
    private partial void LogSpeechFailed(string callId, string step, string reason);
}
