using System.Buffers.Binary;
using NLayer;

namespace CleanAgent.Infrastructure.Audio;

/// <summary>The containers a speech endpoint may answer with, told apart by their first bytes.</summary>
internal enum AudioContainer
{
    Unknown,
    OggOpus,
    Mp3,
    Wav,
}

/// <summary>Mono 16-bit PCM and its sample rate.</summary>
internal sealed record DecodedAudio(short[] Samples, int SampleRate)
{
    public DecodedAudio To(int sampleRate) =>
        sampleRate == SampleRate ? this : new DecodedAudio(PcmResampler.Resample(Samples, SampleRate, sampleRate), sampleRate);

    /// <summary>Little-endian 16-bit bytes, OpenAI's raw "pcm".</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Samples.Length * 2];
        for (var i = 0; i < Samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), Samples[i]);
        }

        return bytes;
    }

    public static DecodedAudio FromBytes(ReadOnlySpan<byte> pcm, int sampleRate)
    {
        var samples = new short[pcm.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm[(2 * i)..]);
        }

        return new DecodedAudio(samples, sampleRate);
    }
}

/// <summary>
/// Decodes what a speech endpoint answers (Ogg Opus, MP3 through NLayer, or WAV) to mono PCM. Throws
/// <see cref="InvalidDataException"/> when the bytes are none of these or are damaged.
/// </summary>
internal static class AudioDecoder
{
    private const int WavPcm = 1;
    private const int WavFloat = 3;
    private const int WavExtensible = 0xFFFE;

    public static AudioContainer Identify(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 36 && bytes.StartsWith("OggS"u8) && bytes[28..].StartsWith("OpusHead"u8))
        {
            return AudioContainer.OggOpus;
        }

        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..].StartsWith("WAVE"u8))
        {
            return AudioContainer.Wav;
        }

        // An ID3v2 tag, or an MPEG audio frame sync (11 set bits) with layer III.
        if (bytes.StartsWith("ID3"u8) || (bytes.Length >= 2 && bytes[0] == 0xFF && (bytes[1] & 0xE0) == 0xE0 && (bytes[1] & 0x06) == 0x02))
        {
            return AudioContainer.Mp3;
        }

        return AudioContainer.Unknown;
    }

    public static DecodedAudio Decode(ReadOnlySpan<byte> bytes) => Identify(bytes) switch
    {
        AudioContainer.OggOpus => DecodeOggOpus(bytes),
        AudioContainer.Wav => DecodeWav(bytes),
        AudioContainer.Mp3 => DecodeMp3(bytes.ToArray()),
        _ => throw new InvalidDataException("Not Ogg Opus, MP3 or WAV audio."),
    };

    private static DecodedAudio DecodeOggOpus(ReadOnlySpan<byte> bytes)
    {
        var file = OggOpus.Read(bytes);
        return new DecodedAudio(PcmResampler.ToMono(OggOpus.Decode(file), file.Channels), OggOpus.OpusRate);
    }

    private static DecodedAudio DecodeMp3(byte[] bytes)
    {
        using var mpeg = new MpegFile(new MemoryStream(bytes, writable: false));
        var channels = mpeg.Channels;
        if (channels is < 1 or > 2 || mpeg.SampleRate <= 0)
        {
            throw new InvalidDataException("An MP3 stream without a usable format.");
        }

        var interleaved = new List<short>();
        var buffer = new float[4608];
        int read;
        while ((read = mpeg.ReadSamples(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                interleaved.Add(ToShort(buffer[i]));
            }
        }

        if (interleaved.Count == 0)
        {
            throw new InvalidDataException("An MP3 stream without audio frames.");
        }

        return new DecodedAudio(PcmResampler.ToMono(interleaved.ToArray(), channels), mpeg.SampleRate);
    }

    private static DecodedAudio DecodeWav(ReadOnlySpan<byte> bytes)
    {
        int? channels = null, rate = null, bits = null, encoding = null;
        var position = 12;
        while (position + 8 <= bytes.Length)
        {
            var id = bytes.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 4)..]);
            var body = position + 8;
            if (id.SequenceEqual("fmt "u8) && size >= 16 && body + 16 <= bytes.Length)
            {
                encoding = BinaryPrimitives.ReadUInt16LittleEndian(bytes[body..]);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(body + 2)..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(bytes[(body + 4)..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(body + 14)..]);
                if (encoding == WavExtensible && size >= 40 && body + 26 <= bytes.Length)
                {
                    encoding = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(body + 24)..]);
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                // Streaming servers write the data size as 0 or 0xFFFFFFFF: the data then runs to the end.
                var end = size == 0 || body + (long)size > bytes.Length ? bytes.Length : body + (int)size;
                return WavSamples(bytes[body..end], encoding, channels, rate, bits);
            }

            position = body + (int)Math.Min(size + (size & 1), int.MaxValue - body);
        }

        throw new InvalidDataException("A WAV file without a data chunk.");
    }

    private static DecodedAudio WavSamples(ReadOnlySpan<byte> data, int? encoding, int? channels, int? rate, int? bits)
    {
        if (channels is not (>= 1 and <= 8) || rate is not > 0)
        {
            throw new InvalidDataException("A WAV file without a usable fmt chunk.");
        }

        short[] interleaved;
        switch (encoding, bits)
        {
            case (WavPcm, 16):
                interleaved = DecodedAudio.FromBytes(data, rate.Value).Samples;
                break;
            case (WavPcm, 8):
                interleaved = new short[data.Length];
                for (var i = 0; i < data.Length; i++)
                {
                    interleaved[i] = (short)((data[i] - 128) << 8);
                }

                break;
            case (WavFloat, 32):
                interleaved = new short[data.Length / 4];
                for (var i = 0; i < interleaved.Length; i++)
                {
                    interleaved[i] = ToShort(BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]));
                }

                break;
            default:
                throw new InvalidDataException($"WAV encoding {encoding} with {bits} bits is not supported.");
        }

        return new DecodedAudio(PcmResampler.ToMono(interleaved, channels.Value), rate.Value);
    }

    private static short ToShort(float sample) => (short)Math.Round(Math.Clamp(sample, -1f, 1f) * short.MaxValue);
}
