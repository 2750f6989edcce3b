namespace CleanAgent.Infrastructure.Audio;

/// <summary>Linear-interpolation resampling of 16-bit mono PCM: enough for speech going into a 24 kbit/s voice note.</summary>
internal static class PcmResampler
{
    public static short[] Resample(ReadOnlySpan<short> pcm, int fromRate, int toRate)
    {
        if (fromRate == toRate || pcm.Length == 0)
        {
            return pcm.ToArray();
        }

        var length = (int)((long)pcm.Length * toRate / fromRate);
        var output = new short[length];
        var step = (double)fromRate / toRate;
        for (var i = 0; i < length; i++)
        {
            var position = i * step;
            var index = (int)position;
            var next = Math.Min(index + 1, pcm.Length - 1);
            var fraction = position - index;
            output[i] = (short)Math.Round(pcm[index] + ((pcm[next] - pcm[index]) * fraction));
        }

        return output;
    }

    /// <summary>Averages interleaved channels into one.</summary>
    public static short[] ToMono(ReadOnlySpan<short> interleaved, int channels)
    {
        if (channels <= 1)
        {
            return interleaved.ToArray();
        }

        var mono = new short[interleaved.Length / channels];
        for (var i = 0; i < mono.Length; i++)
        {
            var sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += interleaved[(i * channels) + c];
            }

            mono[i] = (short)(sum / channels);
        }

        return mono;
    }
}
