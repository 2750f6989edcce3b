using System.Text.Json;
using CleanAgent.Application.Speech;
using CleanAgent.Infrastructure.Audio;
using CleanAgent.Infrastructure.Speech;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CleanAgent.Infrastructure.UnitTests.Speech;

/// <summary>
/// The OpenAI-compatible text-to-speech adapter as registered for <c>Speech:Provider=OpenAI</c>, against a speech
/// server faked at the HTTP level: what it asks for, and what it makes of what comes back.
/// </summary>
public sealed class TextToSpeechSynthesizerTests : IDisposable
{
    private readonly WireMockServer _server = FakeHttpServer.Start();
    private readonly ServiceProvider _services;

    public TextToSpeechSynthesizerTests()
    {
        _services = Services("OpenAI");
    }

    [Fact]
    public async Task Asks_for_opus_with_the_agents_model_and_voice_and_keeps_a_mono_ogg_opus_answer()
    {
        var note = OggOpus.Encode(Sine(440, 24000, TimeSpan.FromSeconds(1)), 24000);
        Answers(note, "audio/ogg");

        var speech = await Synthesizer.SynthesizeAsync("Hello there.", new SpeechVoice("agent-tts", "nova"), SpeechAudioFormat.Opus, CancellationToken.None);

        Assert.Equal(SpeechAudioFormat.Opus, speech.Format);
        Assert.Equal("audio/ogg", speech.MediaType);
        Assert.Equal(note, speech.Bytes.ToArray());
        var request = Assert.Single(_server.LogEntries).RequestMessage;
        Assert.Equal("/v1/audio/speech", request.Path);
        Assert.Equal("Bearer fake-speech", request.Headers!["Authorization"].Single());
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("agent-tts", body.RootElement.GetProperty("model").GetString());
        Assert.Equal("nova", body.RootElement.GetProperty("voice").GetString());
        Assert.Equal("opus", body.RootElement.GetProperty("response_format").GetString());
        Assert.Equal("Hello there.", body.RootElement.GetProperty("input").GetString());
    }

    [Fact]
    public async Task Without_an_agent_model_and_voice_the_configured_ones_are_used_and_pcm_is_asked_for()
    {
        var pcm = new DecodedAudio(Sine(440, 24000, TimeSpan.FromSeconds(0.5)), 24000).ToBytes();
        Answers(pcm, "application/octet-stream");

        var speech = await Synthesizer.SynthesizeAsync("Hello.", new SpeechVoice(null, " "), SpeechAudioFormat.Pcm, CancellationToken.None);

        Assert.Equal(SpeechAudioFormat.Pcm, speech.Format);
        Assert.Equal(pcm, speech.Bytes.ToArray());
        using var body = JsonDocument.Parse(Assert.Single(_server.LogEntries).RequestMessage.Body!);
        Assert.Equal("default-tts", body.RootElement.GetProperty("model").GetString());
        Assert.Equal("default-voice", body.RootElement.GetProperty("voice").GetString());
        Assert.Equal("pcm", body.RootElement.GetProperty("response_format").GetString());
    }

    [Fact]
    public async Task An_mp3_answer_to_an_opus_request_becomes_a_mono_ogg_opus_voice_note()
    {
        Answers(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Speech", "Fixtures", "sine-440hz-1s-22khz.mp3")), "audio/mpeg");

        var speech = await Synthesizer.SynthesizeAsync("Hello.", new SpeechVoice(null, null), SpeechAudioFormat.Opus, CancellationToken.None);

        Assert.Equal(SpeechAudioFormat.Opus, speech.Format);
        Assert.Equal("audio/ogg", speech.MediaType);
        var file = OggOpus.Read(speech.Bytes.Span);
        Assert.Equal(1, file.Channels);
        Assert.True(file.Ended);
        Assert.InRange(file.Duration.TotalSeconds, 0.95, 1.15);
        Assert.InRange(Frequency(OggOpus.Decode(file), OggOpus.OpusRate), 430, 450);
    }

    [Fact]
    public async Task A_wav_answer_becomes_ogg_opus_or_24_khz_pcm_as_asked()
    {
        var wav = WavFile.Write(Sine(440, 22050, TimeSpan.FromSeconds(1)), 22050);
        Answers(wav, "audio/wav");

        var note = await Synthesizer.SynthesizeAsync("Hello.", new SpeechVoice(null, null), SpeechAudioFormat.Opus, CancellationToken.None);
        var pcm = await Synthesizer.SynthesizeAsync("Hello.", new SpeechVoice(null, null), SpeechAudioFormat.Pcm, CancellationToken.None);

        var file = OggOpus.Read(note.Bytes.Span);
        Assert.Equal(1, file.Channels);
        Assert.InRange(file.Duration.TotalSeconds, 0.99, 1.01);
        Assert.Equal(SpeechAudioFormat.Pcm, pcm.Format);
        var samples = DecodedAudio.FromBytes(pcm.Bytes.Span, 24000).Samples;
        Assert.InRange(samples.Length, 23990, 24010);
        Assert.InRange(Frequency(samples, 24000), 435, 445);
    }

    [Fact]
    public async Task An_ogg_opus_answer_to_a_pcm_request_becomes_24_khz_pcm()
    {
        Answers(OggOpus.Encode(Sine(440, 48000, TimeSpan.FromSeconds(1)), 48000), "audio/ogg");

        var pcm = await Synthesizer.SynthesizeAsync("Hello.", new SpeechVoice(null, null), SpeechAudioFormat.Pcm, CancellationToken.None);

        var samples = DecodedAudio.FromBytes(pcm.Bytes.Span, 24000).Samples;
        Assert.InRange(samples.Length, 23990, 24010);
        Assert.InRange(Frequency(samples, 24000), 430, 450);
    }

    [Fact]
    public async Task A_stereo_ogg_opus_answer_is_made_mono()
    {
        Answers(StereoOggOpus(Sine(440, 48000, TimeSpan.FromSeconds(1))), "audio/ogg");

        var speech = await Synthesizer.SynthesizeAsync("Hello.", new SpeechVoice(null, null), SpeechAudioFormat.Opus, CancellationToken.None);

        var file = OggOpus.Read(speech.Bytes.Span);
        Assert.Equal(1, file.Channels);
        Assert.InRange(file.Duration.TotalSeconds, 0.99, 1.01);
    }

    [Theory]
    [InlineData(200, "text/html", "<html>Welcome</html>", false)]
    [InlineData(200, "audio/ogg", "", false)]
    [InlineData(400, "application/json", """{"error":{"message":"unknown voice"}}""", false)]
    [InlineData(503, "application/json", """{"error":{"message":"busy"}}""", true)]
    [InlineData(429, "application/json", """{"error":{"message":"slow down"}}""", true)]
    public async Task Failures_and_garbage_are_speech_exceptions(int status, string contentType, string body, bool transient)
    {
        _server.Given(Request.Create().WithPath("/v1/audio/speech").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body));

        var failure = await Assert.ThrowsAsync<SpeechException>(() =>
            Synthesizer.SynthesizeAsync("Hello.", new SpeechVoice(null, null), SpeechAudioFormat.Opus, CancellationToken.None));

        Assert.Equal(transient, failure.IsTransient);
    }

    [Fact]
    public async Task Damaged_ogg_opus_is_garbage_not_a_crash()
    {
        var note = OggOpus.Encode(Sine(440, 24000, TimeSpan.FromSeconds(1)), 24000);
        note[note.Length / 2] ^= 0x5A;
        Answers(note, "audio/ogg");

        var failure = await Assert.ThrowsAsync<SpeechException>(() =>
            Synthesizer.SynthesizeAsync("Hello.", new SpeechVoice(null, null), SpeechAudioFormat.Opus, CancellationToken.None));

        Assert.False(failure.IsTransient);
    }

    [SkippableFact]
    public async Task A_voice_note_made_from_an_mp3_answer_passes_opusinfo()
    {
        Skip.If(OpusInfo() is null, "opusinfo (Debian's opus-tools) is not installed; .ci/run installs it.");
        Answers(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Speech", "Fixtures", "sine-440hz-1s-22khz.mp3")), "audio/mpeg");
        var speech = await Synthesizer.SynthesizeAsync("Hello.", new SpeechVoice(null, null), SpeechAudioFormat.Opus, CancellationToken.None);
        var path = Path.Combine(Path.GetTempPath(), $"voice-note-{Guid.NewGuid():N}.ogg");
        await File.WriteAllBytesAsync(path, speech.Bytes.ToArray());
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo(OpusInfo()!, [path]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();

            Assert.True(process.ExitCode == 0, output);
            Assert.DoesNotContain("WARNING", output, StringComparison.Ordinal);
            Assert.Contains("Channels: 1", output, StringComparison.Ordinal);
            Assert.Matches(@"Playback length: 0m:01\.0[0-9]{2}s", output);
            Assert.Contains("Packet duration:   20.0ms (max),   20.0ms (avg),   20.0ms (min)", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string? OpusInfo() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "opusinfo"))
            .FirstOrDefault(File.Exists);

    [Fact]
    public void Without_a_provider_nothing_is_spoken()
    {
        using var services = Services("None");

        var synthesizer = services.GetRequiredService<ISpeechSynthesizer>();

        Assert.IsType<NoSpeech>(synthesizer);
        Assert.False(synthesizer.IsEnabled);
        Assert.IsType<TextToSpeechSynthesizer>(Synthesizer);
    }

    public void Dispose()
    {
        _services.Dispose();
        _server.Stop();
        _server.Dispose();
    }

    private ISpeechSynthesizer Synthesizer => _services.GetRequiredService<ISpeechSynthesizer>();

    private ServiceProvider Services(string provider)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Speech:Provider"] = provider,
            ["Speech:Endpoint"] = _server.Url,
            ["Speech:ApiKey"] = "fake-speech",
            ["Speech:TtsModel"] = "default-tts",
            ["Speech:TtsVoice"] = "default-voice",
        }).Build();
        return new ServiceCollection().AddLogging().AddMediaInfrastructure(configuration).BuildServiceProvider();
    }

    private void Answers(byte[] audio, string contentType) =>
        _server.Given(Request.Create().WithPath("/v1/audio/speech").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", contentType).WithBody(audio));

    private static short[] Sine(double hertz, int sampleRate, TimeSpan length)
    {
        var samples = new short[(int)(sampleRate * length.TotalSeconds)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(12000 * Math.Sin(2 * Math.PI * hertz * i / sampleRate));
        }

        return samples;
    }

    /// <summary>The tone's frequency from its upward crossings (with hysteresis, so codec noise in silence does not count).</summary>
    private static double Frequency(short[] samples, int sampleRate)
    {
        int? first = null;
        var last = 0;
        var crossings = 0;
        var low = false;
        for (var i = 0; i < samples.Length; i++)
        {
            if (samples[i] < -2000)
            {
                low = true;
            }
            else if (low && samples[i] > 2000)
            {
                low = false;
                first ??= i;
                last = i;
                crossings++;
            }
        }

        return crossings < 2 ? 0 : (crossings - 1) * (double)sampleRate / (last - first!.Value);
    }

    /// <summary>A two-channel Ogg Opus file, as some servers answer, from the same Concentus and Ogg writer.</summary>
    private static byte[] StereoOggOpus(short[] mono)
    {
        var encoder = Concentus.OpusCodecFactory.CreateEncoder(48000, 2, Concentus.Enums.OpusApplication.OPUS_APPLICATION_AUDIO);
        var head = new byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1;
        head[9] = 2;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), (ushort)encoder.Lookahead);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(12), 48000);
        var tags = new byte[16];
        "OpusTags"u8.CopyTo(tags);
        using var output = new MemoryStream();
        OggPages.WritePage(output, [head], OggPages.BeginFlag, 0, 7, 0);
        OggPages.WritePage(output, [tags], 0, 0, 7, 1);
        var packets = new List<byte[]>();
        var frame = new short[960 * 2];
        var packet = new byte[4000];
        for (var start = 0; start < mono.Length + 960; start += 960)
        {
            Array.Clear(frame);
            for (var i = 0; i < 960 && start + i < mono.Length; i++)
            {
                frame[2 * i] = frame[(2 * i) + 1] = mono[start + i];
            }

            packets.Add(packet[..encoder.Encode(frame, 960, packet, packet.Length)]);
        }

        OggPages.WritePage(output, packets, OggPages.EndFlag, encoder.Lookahead + mono.Length, 7, 2);
        return output.ToArray();
    }
}
