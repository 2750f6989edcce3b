using System.Buffers.Binary;
using System.Text;
using Concentus;
using Concentus.Enums;

namespace CleanAgent.Infrastructure.Audio;

/// <summary>
/// Ogg Opus (RFC 7845) writing and reading over Concentus, which has no container of its own. Mono 16-bit PCM in,
/// at 8, 12, 16, 24 or 48 kHz (resample others with <see cref="PcmResampler"/>); what WhatsApp plays as a voice note.
/// </summary>
internal static class OggOpus
{
    public const int OpusRate = 48000;

    /// <summary>What WhatsApp expects for a voice note.</summary>
    public const string MediaType = "audio/ogg";
    private const int PacketsPerPage = 50;
    private static readonly int[] InputRates = [8000, 12000, 16000, 24000, 48000];

    public static bool AcceptsRate(int sampleRate) => InputRates.Contains(sampleRate);

    /// <summary>Encodes mono PCM as an Ogg Opus file in 20 ms packets (VBR, voice).</summary>
    public static byte[] Encode(ReadOnlySpan<short> pcm, int sampleRate, int bitrate = 24000, int serial = 0x43414741)
    {
        if (!AcceptsRate(sampleRate))
        {
            throw new ArgumentException($"Opus takes 8, 12, 16, 24 or 48 kHz, not {sampleRate} Hz.", nameof(sampleRate));
        }

        var encoder = OpusCodecFactory.CreateEncoder(sampleRate, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        encoder.Bitrate = bitrate;
        encoder.Complexity = 8;
        encoder.UseVBR = true;
        encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
        var frame = sampleRate / 50;
        var scale = OpusRate / sampleRate;
        var preSkip = encoder.Lookahead * scale;

        using var output = new MemoryStream();
        var sequence = 0;
        OggPages.WritePage(output, [OpusHead(preSkip, sampleRate)], OggPages.BeginFlag, 0, serial, sequence++);
        OggPages.WritePage(output, [OpusTags()], 0, 0, serial, sequence++);

        // One extra frame of silence flushes the encoder's lookahead; the end is trimmed by the last granule.
        var frames = (pcm.Length + frame - 1) / frame + 1;
        var buffer = new short[frame];
        var packet = new byte[4000];
        var page = new List<byte[]>(PacketsPerPage);
        long granule = 0;
        for (var i = 0; i < frames; i++)
        {
            Array.Clear(buffer);
            var start = i * frame;
            if (start < pcm.Length)
            {
                pcm.Slice(start, Math.Min(frame, pcm.Length - start)).CopyTo(buffer);
            }

            var length = encoder.Encode(buffer, frame, packet, packet.Length);
            page.Add(packet[..length]);
            granule += frame * scale;
            var last = i == frames - 1;
            if (page.Count == PacketsPerPage || last)
            {
                var pageGranule = last ? preSkip + ((long)pcm.Length * scale) : granule;
                OggPages.WritePage(output, page, last ? OggPages.EndFlag : (byte)0, pageGranule, serial, sequence++);
                page.Clear();
            }
        }

        return output.ToArray();
    }

    /// <summary>Reads an Ogg Opus file's header and packets; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static OggOpusFile Read(ReadOnlySpan<byte> data)
    {
        var (packets, lastGranule, ended) = OggPages.ReadPackets(data);
        if (packets.Count < 2 || packets[0].Length < 19 || !packets[0].AsSpan(0, 8).SequenceEqual("OpusHead"u8))
        {
            throw new InvalidDataException("Not an Ogg Opus stream (no OpusHead).");
        }

        if (!packets[1].AsSpan().StartsWith("OpusTags"u8))
        {
            throw new InvalidDataException("Not an Ogg Opus stream (no OpusTags).");
        }

        var head = packets[0];
        return new OggOpusFile(
            Channels: head[9],
            PreSkip: BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10)),
            InputSampleRate: BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(12)),
            FinalGranule: lastGranule,
            Ended: ended,
            AudioPackets: packets.Skip(2).ToList());
    }

    /// <summary>Decodes an Ogg Opus file to 48 kHz PCM (interleaved when stereo), with the pre-skip and end trimmed.</summary>
    public static short[] Decode(OggOpusFile file)
    {
        var decoder = OpusCodecFactory.CreateDecoder(OpusRate, file.Channels);
        var frame = new short[5760 * file.Channels];
        var pcm = new List<short>();
        foreach (var packet in file.AudioPackets)
        {
            var samples = decoder.Decode(packet, frame, 5760, false);
            pcm.AddRange(frame.AsSpan(0, samples * file.Channels).ToArray());
        }

        var start = Math.Min(pcm.Count, file.PreSkip * file.Channels);
        var end = Math.Clamp((int)file.FinalGranule * file.Channels, start, pcm.Count);
        return pcm.GetRange(start, end - start).ToArray();
    }

    private static byte[] OpusHead(int preSkip, int inputRate)
    {
        var head = new byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1;
        head[9] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), (ushort)preSkip);
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(12), inputRate);
        return head;
    }

    private static byte[] OpusTags()
    {
        var vendor = Encoding.UTF8.GetBytes("CleanAgent (Concentus)");
        var tags = new byte[8 + 4 + vendor.Length + 4];
        "OpusTags"u8.CopyTo(tags);
        BinaryPrimitives.WriteInt32LittleEndian(tags.AsSpan(8), vendor.Length);
        vendor.CopyTo(tags, 12);
        return tags;
    }
}

/// <summary>An Ogg Opus file as read: its header fields and audio packets.</summary>
internal sealed record OggOpusFile(int Channels, int PreSkip, int InputSampleRate, long FinalGranule, bool Ended, IReadOnlyList<byte[]> AudioPackets)
{
    /// <summary>The playing time: the last granule less the pre-skip, at 48 kHz.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds(Math.Max(0, FinalGranule - PreSkip) / (double)OggOpus.OpusRate);
}
