using System.Globalization;
using System.Text;

namespace CleanAgent.Infrastructure.Calls.Media;

/// <summary>
/// The plain RTP/AVP SDP spoken with Janus's nosip plugin: its barebone offer says where it wants our RTP and which
/// payload type Opus has; our answer says where we listen.
/// </summary>
internal sealed record PlainSdp(string Address, int Port, int OpusPayloadType)
{
    /// <summary>Reads the first audio section of a barebone offer; null when it has no Opus or no address.</summary>
    public static PlainSdp? TryParse(string sdp)
    {
        string? address = null;
        int? port = null;
        int? opus = null;
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("c=IN IP4 ", StringComparison.Ordinal) || line.StartsWith("c=IN IP6 ", StringComparison.Ordinal))
            {
                address ??= line[9..].Split('/')[0].Trim();
            }
            else if (line.StartsWith("m=audio ", StringComparison.Ordinal) && port is null)
            {
                port = int.TryParse(line.Split(' ')[1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
            }
            else if (line.StartsWith("a=rtpmap:", StringComparison.Ordinal) && opus is null
                && line.Contains(" opus/48000", StringComparison.OrdinalIgnoreCase))
            {
                opus = int.TryParse(line[9..line.IndexOf(' ', StringComparison.Ordinal)], NumberStyles.None, CultureInfo.InvariantCulture, out var pt) ? pt : null;
            }
        }

        return address is null || port is null or <= 0 || opus is null ? null : new PlainSdp(address, port.Value, opus.Value);
    }

    /// <summary>Our answer: Opus only, at the payload type Janus offered, on our one symmetric RTP port.</summary>
    public static string Answer(string address, int port, int opusPayloadType)
    {
        var sdp = new StringBuilder();
        sdp.Append("v=0\r\n");
        sdp.Append(CultureInfo.InvariantCulture, $"o=- 1 1 IN IP4 {address}\r\n");
        sdp.Append("s=CleanAgent\r\n");
        sdp.Append(CultureInfo.InvariantCulture, $"c=IN IP4 {address}\r\n");
        sdp.Append("t=0 0\r\n");
        sdp.Append(CultureInfo.InvariantCulture, $"m=audio {port} RTP/AVP {opusPayloadType}\r\n");
        sdp.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{opusPayloadType} opus/48000/2\r\n");
        sdp.Append(CultureInfo.InvariantCulture, $"a=fmtp:{opusPayloadType} minptime=10;useinbandfec=1\r\n");
        sdp.Append("a=sendrecv\r\n");
        return sdp.ToString();
    }
}
