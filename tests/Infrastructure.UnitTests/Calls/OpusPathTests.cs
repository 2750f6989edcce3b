using CleanAgent.Infrastructure.Calls.Media;
using Concentus;
using Concentus.Enums;

namespace CleanAgent.Infrastructure.UnitTests.Calls;

/// <summary>The caller's path as the call runs it: Opus at 48 kHz (what WebRTC sends) decoded at 48 kHz, down to 16 kHz, then the VAD.</summary>
public sealed class OpusPathTests
{
    [Fact]
    public void Spoken_tone_through_Opus_starts_and_ends_a_turn()
    {
        var encoder = OpusCodecFactory.CreateEncoder(48000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        var decoder = OpusCodecFactory.CreateDecoder(48000, 1);
        var downsampler = new Downsampler();
        var decoded = new short[5760];
        var vad = new EnergyVad();
        var events = new List<VadEvent>();
        var levels = new List<double>();
        var frame = new short[960];
        var packet = new byte[1275];
        var pcm = new short[1920];
        long n = 0;
        for (var i = 0; i < 110; i++)
        {
            var amplitude = i < 60 ? 12000 : 0;
            for (var s = 0; s < frame.Length; s++, n++)
            {
                frame[s] = (short)(amplitude * (0.6 + 0.4 * Math.Sin(2 * Math.PI * 4 * n / 48000.0)) * Math.Sin(2 * Math.PI * 220 * n / 48000.0));
            }

            var length = encoder.Encode(frame, 960, packet, packet.Length);
            var samples = downsampler.Process(decoded.AsSpan(0, decoder.Decode(packet.AsSpan(0, length), decoded, decoded.Length, false)), pcm);
            Assert.Equal(320, samples);
            levels.Add(EnergyVad.LevelDb(pcm.AsSpan(0, samples)));
            var e = vad.Push(pcm.AsSpan(0, samples));
            if (e != VadEvent.None)
            {
                events.Add(e);
            }
        }

        Assert.True(levels.Take(60).Skip(5).Min() > -30, string.Join(", ", levels.Select(l => l.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal([VadEvent.SpeechStarted, VadEvent.TurnEnded], events);
    }

    [Fact]
    public void Downsampler_keeps_speech_band_tones_and_removes_what_would_alias()
    {
        static double Level(double hertz)
        {
            var input = Enumerable.Range(0, 4800).Select(n => (short)(10000 * Math.Sin(2 * Math.PI * hertz * n / 48000))).ToArray();
            var output = new short[1600];
            var written = new Downsampler().Process(input, output);
            Assert.Equal(1600, written);
            return EnergyVad.LevelDb(output.AsSpan(100));
        }

        Assert.InRange(Level(1000) - Level(300), -1, 1);
        Assert.True(Level(14000) < Level(1000) - 30, "14 kHz would fold onto 2 kHz");
    }
}
