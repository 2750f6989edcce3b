using System.Buffers.Binary;

namespace CleanAgent.Infrastructure.Calls.Media;

/// <summary>An RTP packet (RFC 3550): the fields the call needs and where the payload lies.</summary>
internal readonly record struct RtpPacket(byte PayloadType, ushort Sequence, uint Timestamp, uint Ssrc, bool Marker, int PayloadOffset, int PayloadLength)
{
    public const int HeaderLength = 12;

    /// <summary>Reads a packet; false for anything that is not RTP version 2 or is cut short (RTCP on the same port included).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out RtpPacket packet)
    {
        packet = default;
        if (data.Length < HeaderLength || data[0] >> 6 != 2)
        {
            return false;
        }

        var payloadType = (byte)(data[1] & 0x7F);
        if (payloadType is >= 72 and <= 76)
        {
            return false; // RTCP sender/receiver reports multiplexed on the RTP port
        }

        var offset = HeaderLength + 4 * (data[0] & 0x0F);
        if ((data[0] & 0x10) != 0)
        {
            if (data.Length < offset + 4)
            {
                return false;
            }

            offset += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
        }

        var end = data.Length;
        if ((data[0] & 0x20) != 0 && end > offset)
        {
            end -= data[^1];
        }

        if (end < offset)
        {
            return false;
        }

        packet = new RtpPacket(
            payloadType,
            BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            (data[1] & 0x80) != 0,
            offset,
            end - offset);
        return true;
    }

    /// <summary>Writes a 12-byte header (no CSRC, no extension) in front of the payload; returns the packet's length.</summary>
    public static int Write(Span<byte> destination, byte payloadType, ushort sequence, uint timestamp, uint ssrc, bool marker, ReadOnlySpan<byte> payload)
    {
        destination[0] = 0x80;
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
        payload.CopyTo(destination[HeaderLength..]);
        return HeaderLength + payload.Length;
    }
}
