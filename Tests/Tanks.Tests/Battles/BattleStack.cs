using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Microsoft.Extensions.Hosting;
using Tanks.Client;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Battles;

/// <summary>
/// One silo that matches at once (1v1 allowed immediately, duel map), a Gateway.Tcp minting tokens for one Gateway.Udp in
/// game mode (the default), and the tests' own Orleans client to read accounts, for the "Battles" collection.
/// </summary>
public sealed class BattleStack : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    private IHost? _clientHost;

    public TanksStack Stack { get; private set; } = null!;

    public GatewayHandle Tcp { get; private set; } = null!;

    public UdpGatewayHandle Udp { get; private set; } = null!;

    public IClusterClient Cluster { get; private set; } = null!;

    public static string NewName() => "b" + Guid.NewGuid().ToString("N")[..12];

    public async ValueTask InitializeAsync()
    {
        Stack = await TanksStack.StartAsync(siloSettings: new Dictionary<string, string>
        {
            ["Matchmaking__ReducedTeamsAfter"] = "00:00:00",
            ["Matchmaking__AnyTeamsAfter"] = "00:00:00",
            ["Matchmaking__Map"] = "duel",
            ["Matchmaking__Interval"] = "00:00:00.200",
            ["Viewer__MaxViewersPerBattle"] = "3", // small, so BattleViewerApiTests can reach it
        });
        var udpPort = TanksStack.FreeUdpPort();
        var tcpSettings = Stack.NetcodeSettings(udpPort);
        tcpSettings["TcpGateway__AuthBurstPerAddress"] = "1000";
        tcpSettings["TcpGateway__AuthRequestsPerMinutePerAddress"] = "60000";
        Tcp = await Stack.StartTcpGatewayAsync(tcpSettings);
        Udp = await Stack.StartUdpGatewayAsync(port: udpPort);

        _clientHost = new HostBuilder()
            .UseOrleansClient(client => client
                .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, Stack.OrleansGatewayPort))
                .Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = Stack.ClusterId;
                    o.ServiceId = "tanks-tests";
                }))
            .Build();
        await _clientHost.StartAsync();
        Cluster = _clientHost.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>Registers a new account, logs in and connects over UDP.</summary>
    public async Task<(TanksClient Client, string Name)> NewPlayerAsync()
    {
        var name = NewName();
        var client = await TanksClient.LoginAndConnectAsync("127.0.0.1", Tcp.Port, name, Password, new TanksClientOptions { Register = true });
        return (client, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_clientHost is not null)
        {
            await _clientHost.StopAsync();
            _clientHost.Dispose();
        }

        await Stack.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BattleStackCollection : ICollectionFixture<BattleStack>
{
    public const string Name = "Battles";
}
