using CleanAgent.Infrastructure.Calls.Media;

namespace CleanAgent.Infrastructure.UnitTests.Calls;

public sealed class EnergyVadTests
{
    private static short[] Tone(double amplitude, int frame = 320) =>
        Enumerable.Range(0, frame).Select(i => (short)(amplitude * short.MaxValue * Math.Sin(2 * Math.PI * 200 * i / 16000.0))).ToArray();

    private static short[] Noise(double amplitude, Random random, int frame = 320) =>
        Enumerable.Range(0, frame).Select(_ => (short)(amplitude * short.MaxValue * (random.NextDouble() * 2 - 1))).ToArray();

    private static List<VadEvent> Push(EnergyVad vad, short[] frame, int count) =>
        Enumerable.Range(0, count).Select(_ => vad.Push(frame)).Where(e => e != VadEvent.None).ToList();

    [Fact]
    public void Speech_then_silence_starts_once_and_ends_the_turn_after_the_silence()
    {
        var vad = new EnergyVad(endSilenceMilliseconds: 600);

        Assert.Empty(Push(vad, new short[320], 50));
        Assert.Equal([VadEvent.SpeechStarted], Push(vad, Tone(0.3), 40));
        Assert.Empty(Push(vad, new short[320], 29));
        Assert.Equal(VadEvent.TurnEnded, vad.Push(new short[320]));
        Assert.False(vad.InSpeech);
    }

    [Fact]
    public void Pauses_shorter_than_the_end_of_turn_silence_keep_the_turn_open()
    {
        var vad = new EnergyVad(endSilenceMilliseconds: 700);
        Push(vad, Tone(0.3), 20);

        Assert.Empty(Push(vad, new short[320], 20)); // 400 ms between words
        Assert.Empty(Push(vad, Tone(0.3), 20));
        Assert.True(vad.InSpeech);
    }

    [Fact]
    public void A_click_is_not_speech_and_a_short_blip_is_not_a_turn()
    {
        var vad = new EnergyVad(endSilenceMilliseconds: 200);

        Assert.Empty(Push(vad, Tone(0.5), 2));
        Assert.Empty(Push(vad, new short[320], 20));

        Assert.Equal([VadEvent.SpeechStarted], Push(vad, Tone(0.5), 5)); // 100 ms: barge-in worthy, not a turn
        Assert.Empty(Push(vad, new short[320], 20));
        Assert.False(vad.InSpeech);
    }

    [Fact]
    public void Steady_background_noise_is_learnt_and_speech_above_it_still_counts()
    {
        var random = new Random(7);
        var vad = new EnergyVad(thresholdDb: -50, marginDb: 10, endSilenceMilliseconds: 400);

        var noiseEvents = Enumerable.Range(0, 200).Select(_ => vad.Push(Noise(0.01, random))).Where(e => e != VadEvent.None).ToList();
        var speech = Enumerable.Range(0, 30).Select(_ => vad.Push(Tone(0.3))).Where(e => e != VadEvent.None).ToList();
        var after = Enumerable.Range(0, 30).Select(_ => vad.Push(Noise(0.01, random))).Where(e => e != VadEvent.None).ToList();

        Assert.True(noiseEvents.Count <= 2, $"noise alone gave {noiseEvents.Count} events");
        Assert.Contains(VadEvent.SpeechStarted, speech);
        Assert.Equal([VadEvent.TurnEnded], after);
    }

    [Fact]
    public void Level_of_full_scale_sine_is_minus_three_dBFS_and_silence_is_the_floor()
    {
        Assert.InRange(EnergyVad.LevelDb(Tone(1.0, 1600)), -3.1, -2.9);
        Assert.Equal(-120, EnergyVad.LevelDb(new short[320]));
    }
}
