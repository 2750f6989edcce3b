namespace CleanAgent.Infrastructure.Calls.Media;

/// <summary>
/// 48 kHz → 16 kHz for the caller's audio: a windowed-sinc low-pass (7 kHz) and every third sample. Concentus decodes
/// WebRTC's full-band Opus to silence when asked for 16 kHz directly, so the call decodes at 48 kHz and comes down here.
/// </summary>
internal sealed class Downsampler
{
    public const int Factor = 3;

    private static readonly double[] Taps = LowPass(31, 7000.0 / 48000);
    private readonly double[] _ring = new double[Taps.Length];
    private int _position;
    private int _phase;

    /// <summary>Filters <paramref name="input"/> into <paramref name="output"/> (at least a third as long); returns the samples written.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        var written = 0;
        foreach (var sample in input)
        {
            _ring[_position] = sample;
            _position = (_position + 1) % _ring.Length;
            if (++_phase < Factor)
            {
                continue;
            }

            _phase = 0;
            double sum = 0;
            for (var k = 0; k < Taps.Length; k++)
            {
                sum += Taps[k] * _ring[(_position + k) % _ring.Length];
            }

            output[written++] = (short)Math.Clamp(Math.Round(sum), short.MinValue, short.MaxValue);
        }

        return written;
    }

    private static double[] LowPass(int length, double cutoff)
    {
        var taps = new double[length];
        var middle = (length - 1) / 2.0;
        for (var n = 0; n < length; n++)
        {
            var x = n - middle;
            var sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            var hann = 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / (length - 1));
            taps[n] = sinc * hann;
        }

        var total = taps.Sum();
        return [.. taps.Select(t => t / total)];
    }
}
