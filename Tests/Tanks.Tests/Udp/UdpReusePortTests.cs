using Tanks.Client.Netcode;
using Tanks.Protocol.Netcode;

namespace Tanks.Tests.Udp;

/// <summary>Several receive sockets on one port (SO_REUSEPORT, the kernel spreads clients over them): every client is served.</summary>
[Collection(UdpStackCollection.Name)]
public sealed class UdpReusePortTests(UdpStack shared)
{
    [Fact]
    public async Task A_gateway_with_two_reuseport_sockets_starts_and_serves_every_client()
    {
        var gateway = await shared.Stack.StartUdpGatewayAsync(new Dictionary<string, string>
        {
            ["UdpGateway__Sockets"] = "2",
            ["UdpGateway__PayloadMode"] = "echo",
        });
        try
        {
            var clients = new List<NetcodeUdpClient>();
            for (var i = 0; i < 8; i++)
            {
                var client = NetcodeUdpClient.Create();
                clients.Add(client);
                Assert.Equal(NetcodeClientState.Connected,
                    await client.ConnectAsync(NetcodeTestKit.Mint(gateway.KeyBytes, gateway.Address), TimeSpan.FromSeconds(10)));
            }

            foreach (var client in clients)
            {
                await UdpGatewayEndToEndTests.AssertEchoesAsync(client, 3);
            }

            Assert.Equal(8, await gateway.MetricAsync("tanks_udp_clients_connected"));
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        finally
        {
            await gateway.Process.KillAsync();
        }
    }
}
