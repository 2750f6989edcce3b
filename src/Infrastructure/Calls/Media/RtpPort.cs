using System.Net;
using System.Net.Sockets;

namespace CleanAgent.Infrastructure.Calls.Media;

/// <summary>
/// The call's one UDP socket for RTP, sending and receiving (nosip connects its socket to the address in our SDP, so RTP
/// must be symmetric), and the RTCP socket on port + 1 that nosip polls too. Bound before our answer goes to Janus.
/// </summary>
internal sealed class RtpPort : IDisposable
{
    private RtpPort(Socket rtp, Socket rtcp)
    {
        Rtp = rtp;
        Rtcp = rtcp;
    }

    public Socket Rtp { get; }
    public Socket Rtcp { get; }
    public int Port => ((IPEndPoint)Rtp.LocalEndPoint!).Port;

    /// <summary>Binds an even port P and P + 1 on <paramref name="address"/>, from the system's ephemeral range.</summary>
    public static RtpPort Bind(IPAddress address)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var rtp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                rtp.Bind(new IPEndPoint(address, 0));
                var port = ((IPEndPoint)rtp.LocalEndPoint!).Port;
                if (port % 2 == 0 && port < IPEndPoint.MaxPort)
                {
                    var rtcp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    try
                    {
                        rtcp.Bind(new IPEndPoint(address, port + 1));
                        return new RtpPort(rtp, rtcp);
                    }
                    catch (SocketException)
                    {
                        rtcp.Dispose();
                    }
                }
            }
            catch (SocketException)
            {
            }

            rtp.Dispose();
        }

        throw new InvalidOperationException("No free pair of UDP ports for RTP and RTCP.");
    }

    public void Dispose()
    {
        Rtp.Dispose();
        Rtcp.Dispose();
    }
}
