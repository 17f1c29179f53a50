using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Udp;

/// <summary>
/// One silo, one Gateway.Tcp minting connect tokens and one Gateway.Udp in echo mode sharing its key, for the
/// "Udp" collection. Tests that need other settings (capacity, timeouts) start their own Gateway.Udp on <see cref="Stack"/>.
/// </summary>
public sealed class UdpStack : IAsyncLifetime
{
    public TanksStack Stack { get; private set; } = null!;

    public GatewayHandle Tcp { get; private set; } = null!;

    public UdpGatewayHandle Udp { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Stack = await TanksStack.StartAsync();
        var udpPort = TanksStack.FreeUdpPort();
        var tcpSettings = Stack.NetcodeSettings(udpPort);
        tcpSettings["TcpGateway__AuthBurstPerAddress"] = "1000";
        tcpSettings["TcpGateway__AuthRequestsPerMinutePerAddress"] = "60000";
        Tcp = await Stack.StartTcpGatewayAsync(tcpSettings);
        Udp = await Stack.StartUdpGatewayAsync(new Dictionary<string, string> { ["UdpGateway__PayloadMode"] = "echo" }, udpPort);
    }

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class UdpStackCollection : ICollectionFixture<UdpStack>
{
    public const string Name = "Udp";
}
