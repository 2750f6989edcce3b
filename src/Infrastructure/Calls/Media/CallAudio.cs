using System.Buffers.Binary;
using CleanAgent.Application.Speech;

namespace CleanAgent.Infrastructure.Calls.Media;

/// <summary>PCM as the call moves it: 16-bit mono, caller's side at 16 kHz (what speech-to-text wants), agent's side at 24 kHz.</summary>
internal static class CallAudio
{
    public const int CallerRate = 16000;
    public const int AgentRate = 24000;

    /// <summary>A WAV file (RIFF, PCM 16-bit mono) around the samples, for speech-to-text.</summary>
    public static byte[] ToWav(ReadOnlySpan<short> samples, int sampleRate)
    {
        var data = samples.Length * 2;
        var wav = new byte[44 + data];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + data);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], data);
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + 2 * i)..], samples[i]);
        }

        return wav;
    }

    /// <summary>
    /// The agent's speech as 24 kHz samples: raw PCM as asked for, or a 16-bit mono 24 kHz WAV; null for anything else
    /// (decoding other formats is the speech adapters' business).
    /// </summary>
    public static short[]? AgentSamples(SynthesizedSpeech speech)
    {
        var bytes = speech.Bytes.Span;
        if (speech.Format == SpeechAudioFormat.Wav || bytes.StartsWith("RIFF"u8))
        {
            return ReadWav(bytes);
        }

        return speech.Format == SpeechAudioFormat.Pcm ? ReadPcm(bytes) : null;
    }

    private static short[] ReadPcm(ReadOnlySpan<byte> bytes)
    {
        var samples = new short[bytes.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
        }

        return samples;
    }

    private static short[]? ReadWav(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 12 || !bytes.StartsWith("RIFF"u8) || !bytes[8..].StartsWith("WAVE"u8))
        {
            return null;
        }

        var position = 12;
        var format = false;
        while (position + 8 <= bytes.Length)
        {
            var id = bytes.Slice(position, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes[(position + 4)..]);
            var body = position + 8;
            if (id.SequenceEqual("fmt "u8) && size >= 16 && body + 16 <= bytes.Length)
            {
                var channels = BinaryPrimitives.ReadInt16LittleEndian(bytes[(body + 2)..]);
                var rate = BinaryPrimitives.ReadInt32LittleEndian(bytes[(body + 4)..]);
                var bits = BinaryPrimitives.ReadInt16LittleEndian(bytes[(body + 14)..]);
                format = channels == 1 && rate == AgentRate && bits == 16;
            }
            else if (id.SequenceEqual("data"u8))
            {
                var end = size < 0 || body + size > bytes.Length ? bytes.Length : body + size;
                return format ? ReadPcm(bytes[body..end]) : null;
            }

            position = body + size + (size & 1);
        }

        return null;
    }
}
