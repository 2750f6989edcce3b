using System.Net;
using System.Net.Sockets;
using WireMock.Server;
using WireMock.Settings;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>A WireMock.Net server on 127.0.0.1 and a free port, standing in for Meta or an LLM endpoint.</summary>
public static class FakeHttpServer
{
    public static WireMockServer Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"] });
    }

    public static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "meta", name));
}
