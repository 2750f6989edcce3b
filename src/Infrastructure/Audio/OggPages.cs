using System.Buffers.Binary;

namespace CleanAgent.Infrastructure.Audio;

/// <summary>The Ogg container (RFC 3533): pages of lacing-delimited packets, each page with its CRC-32.</summary>
internal static class OggPages
{
    public const byte ContinuedFlag = 0x01;
    public const byte BeginFlag = 0x02;
    public const byte EndFlag = 0x04;

    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Writes one page holding <paramref name="packets"/> (each complete; at most 255 lacing values in all).</summary>
    public static void WritePage(Stream output, IReadOnlyList<byte[]> packets, byte flags, long granule, int serial, int sequence)
    {
        var lacing = new List<byte>();
        foreach (var packet in packets)
        {
            for (var left = packet.Length; ; left -= 255)
            {
                if (left >= 255)
                {
                    lacing.Add(255);
                    continue;
                }

                lacing.Add((byte)left);
                break;
            }
        }

        if (lacing.Count > 255)
        {
            throw new ArgumentException("Too many packets for one Ogg page.", nameof(packets));
        }

        var bodyLength = packets.Sum(p => p.Length);
        var page = new byte[27 + lacing.Count + bodyLength];
        "OggS"u8.CopyTo(page);
        page[4] = 0;
        page[5] = flags;
        BinaryPrimitives.WriteInt64LittleEndian(page.AsSpan(6), granule);
        BinaryPrimitives.WriteInt32LittleEndian(page.AsSpan(14), serial);
        BinaryPrimitives.WriteInt32LittleEndian(page.AsSpan(18), sequence);
        page[26] = (byte)lacing.Count;
        lacing.CopyTo(page, 27);
        var offset = 27 + lacing.Count;
        foreach (var packet in packets)
        {
            packet.CopyTo(page, offset);
            offset += packet.Length;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), Crc(page));
        output.Write(page);
    }

    /// <summary>Every packet of the stream in order, with the flags and granule of the last page; throws <see cref="InvalidDataException"/> on a damaged stream.</summary>
    public static (List<byte[]> Packets, long LastGranule, bool Ended) ReadPackets(ReadOnlySpan<byte> data)
    {
        var packets = new List<byte[]>();
        var partial = new List<byte>();
        long lastGranule = 0;
        var ended = false;
        var offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 27 || !data.Slice(offset, 4).SequenceEqual("OggS"u8) || data[offset + 4] != 0)
            {
                throw new InvalidDataException($"No Ogg page at byte {offset}.");
            }

            var segments = data[offset + 26];
            var headerLength = 27 + segments;
            if (data.Length - offset < headerLength)
            {
                throw new InvalidDataException("A truncated Ogg page header.");
            }

            var lacing = data.Slice(offset + 27, segments);
            var bodyLength = 0;
            foreach (var value in lacing)
            {
                bodyLength += value;
            }

            if (data.Length - offset < headerLength + bodyLength)
            {
                throw new InvalidDataException("A truncated Ogg page.");
            }

            var page = data.Slice(offset, headerLength + bodyLength).ToArray();
            var stored = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(22));
            page[22] = page[23] = page[24] = page[25] = 0;
            if (Crc(page) != stored)
            {
                throw new InvalidDataException($"Bad CRC in the Ogg page at byte {offset}.");
            }

            var body = offset + headerLength;
            foreach (var value in lacing)
            {
                partial.AddRange(data.Slice(body, value).ToArray());
                body += value;
                if (value < 255)
                {
                    packets.Add([.. partial]);
                    partial.Clear();
                }
            }

            lastGranule = BinaryPrimitives.ReadInt64LittleEndian(data[(offset + 6)..]);
            ended = (data[offset + 5] & EndFlag) != 0;
            offset += headerLength + bodyLength;
        }

        return (packets, lastGranule, ended);
    }

    private static uint Crc(ReadOnlySpan<byte> page)
    {
        uint crc = 0;
        foreach (var b in page)
        {
            crc = (crc << 8) ^ CrcTable[((crc >> 24) & 0xFF) ^ b];
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var r = i << 24;
            for (var bit = 0; bit < 8; bit++)
            {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }

            table[i] = r;
        }

        return table;
    }
}
