using System.Text.Json;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Perimeter;

/// <summary>
/// A developer's stack is not on the network: the silo (embedded, as LocalStack starts it) and both gateways with
/// their default addresses listen on loopback only, every port (silo, Orleans gateway, HTTP, auth, UDP, metrics).
/// Only the ports are moved to free ones, so the test never collides with a running local stack.
/// </summary>
public sealed class LocalListenAddressTests
{
    [Fact]
    public async Task The_local_stack_listens_on_nothing_but_loopback()
    {
        var clusterId = "local-" + Guid.NewGuid().ToString("N")[..8];
        var orleansGatewayPort = FreePort.Next();
        var siloHttpPort = FreePort.Next();
        var silo = Repo.ProcessDll("Silo", "Tanks.Silo.dll");

        // The silo's HTTP address as appsettings.json has it, on a free port.
        var urls = JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(silo)!, "appsettings.json"))).RootElement.GetProperty("Urls").GetString()!;
        var defaultUrl = new Uri(urls);
        Assert.Equal("127.0.0.1", defaultUrl.Host);
        var common = new Dictionary<string, string>
        {
            ["Cluster__ClusterId"] = clusterId,
            ["Cluster__GatewayPort"] = orleansGatewayPort.ToString(),
        };

        await using var siloProcess = TanksProcess.Start("silo", silo, siloHttpPort, new Dictionary<string, string>(common)
        {
            ["Cluster__SiloPort"] = FreePort.Next().ToString(),
            ["Urls"] = $"{defaultUrl.Scheme}://{defaultUrl.Host}:{siloHttpPort}",
        });
        await siloProcess.WaitReadyAsync();

        var tcpMetrics = FreePort.Next();
        await using var tcp = TanksProcess.Start("gateway-tcp", Repo.ProcessDll("Gateway.Tcp", "Tanks.Gateway.Tcp.dll"), tcpMetrics, new Dictionary<string, string>(common)
        {
            ["TcpGateway__Port"] = FreePort.Next().ToString(),
            ["TcpGateway__MetricsPort"] = tcpMetrics.ToString(),
        });
        var udpMetrics = FreePort.Next();
        await using var udp = TanksProcess.Start("gateway-udp", Repo.ProcessDll("Gateway.Udp", "Tanks.Gateway.Udp.dll"), udpMetrics, new Dictionary<string, string>(common)
        {
            ["UdpGateway__Port"] = TanksStack.FreeUdpPort().ToString(),
            ["UdpGateway__MetricsPort"] = udpMetrics.ToString(),
        });
        await tcp.WaitReadyAsync();
        await udp.WaitReadyAsync();

        foreach (var (process, expected) in new[] { (siloProcess, 3), (tcp, 2), (udp, 2) })
        {
            var sockets = ListeningSockets.Of(process.Pid);
            Assert.True(sockets.Count >= expected, $"{process.Name} listens on {string.Join(", ", sockets)}, expected at least {expected} sockets");
            Assert.All(sockets, s => Assert.True(ListeningSockets.IsLoopback(s.Address), $"{process.Name} listens on {s}, not loopback"));
        }

        Assert.Contains(ListeningSockets.Of(udp.Pid), s => s.Protocol == "udp");
    }
}
