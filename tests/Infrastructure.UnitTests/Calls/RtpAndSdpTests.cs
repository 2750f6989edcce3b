using CleanAgent.Infrastructure.Calls.Media;

namespace CleanAgent.Infrastructure.UnitTests.Calls;

public sealed class RtpAndSdpTests
{
    [Fact]
    public void Written_packet_reads_back()
    {
        var buffer = new byte[100];
        var length = RtpPacket.Write(buffer, 111, 65535, 123456, 0xCAFEBABE, true, [1, 2, 3]);

        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, length), out var packet));
        Assert.Equal((111, (ushort)65535, 123456u, 0xCAFEBABEu, true, 12, 3), (packet.PayloadType, packet.Sequence, packet.Timestamp, packet.Ssrc, packet.Marker, packet.PayloadOffset, packet.PayloadLength));
    }

    [Fact]
    public void Csrc_extension_and_padding_are_skipped()
    {
        byte[] data =
        [
            0xB1, 111, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, // V=2, P, X, CC=1
            0, 0, 0, 9, // CSRC
            0xBE, 0xDE, 0, 1, 1, 2, 3, 4, // extension of one word
            0xAA, 0xBB, // payload
            0, 0, 3, // padding of 3
        ];

        Assert.True(RtpPacket.TryParse(data, out var packet));
        Assert.Equal((24, 2), (packet.PayloadOffset, packet.PayloadLength));
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 })] // RTCP sender report
    [InlineData(new byte[] { 0x40, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 })] // version 1
    [InlineData(new byte[] { 0x80, 111, 0, 1 })] // cut short
    [InlineData(new byte[] { 0x90, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0, 9 })] // extension longer than the packet
    public void Anything_but_an_RTP_packet_is_refused(byte[] data) => Assert.False(RtpPacket.TryParse(data, out _));

    [Fact]
    public void Janus_barebone_offer_gives_address_port_and_opus_payload_type()
    {
        const string offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 21000 RTP/AVP 111 63 9 0 8 13 110 126\r\n" +
            "a=rtpmap:63 red/48000/2\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:9 G722/8000\r\na=sendrecv\r\n";

        Assert.Equal(new PlainSdp("127.0.0.1", 21000, 111), PlainSdp.TryParse(offer));
    }

    [Fact]
    public void Offer_without_opus_is_refused() =>
        Assert.Null(PlainSdp.TryParse("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 21000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"));

    [Fact]
    public void Answer_names_our_port_and_only_opus()
    {
        var answer = PlainSdp.Answer("127.0.0.1", 40002, 109);

        Assert.Contains("c=IN IP4 127.0.0.1\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("m=audio 40002 RTP/AVP 109\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("a=rtpmap:109 opus/48000/2\r\n", answer, StringComparison.Ordinal);
        Assert.Equal(new PlainSdp("127.0.0.1", 40002, 109), PlainSdp.TryParse(answer));
    }

    [Fact]
    public void Rtp_port_is_even_with_rtcp_on_the_next_port()
    {
        using var port = RtpPort.Bind(System.Net.IPAddress.Loopback);

        Assert.Equal(0, port.Port % 2);
        Assert.Equal(port.Port + 1, ((System.Net.IPEndPoint)port.Rtcp.LocalEndPoint!).Port);
    }
}
