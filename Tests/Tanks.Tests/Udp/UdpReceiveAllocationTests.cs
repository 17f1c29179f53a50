using Tanks.Client;
using Tanks.Protocol.Netcode;

namespace Tanks.Tests.Udp;

/// <summary>The receive thread allocates nothing per packet at steady state (measured inside the gateway process).</summary>
[Collection(UdpStackCollection.Name)]
public sealed class UdpReceiveAllocationTests(UdpStack shared)
{
    [Fact]
    public async Task Receiving_validating_and_echoing_payloads_allocates_nothing_per_packet()
    {
        var name = "a" + Guid.NewGuid().ToString("N")[..12];
        using var client = await TanksClient.LoginAndConnectAsync("127.0.0.1", shared.Tcp.Port, name, "correct horse battery",
            new TanksClientOptions { Register = true });
        await UdpGatewayEndToEndTests.AssertEchoesAsync(client.Udp, 50); // warm up: JIT, first-use paths

        await Task.Delay(1100); // the gateway publishes the count once a second
        var allocatedBefore = await shared.Udp.MetricAsync("tanks_udp_receive_allocated_bytes_total") ?? 0;
        var packetsBefore = await shared.Udp.MetricAsync("tanks_udp_packets_total{direction=\"in\",type=\"payload\"}") ?? 0;

        var payload = new byte[100];
        var buffer = new byte[NetcodeConstants.MaxPayloadBytes];
        for (var i = 0; i < 5000; i++)
        {
            client.Udp.SendPayload(payload);
            while (client.Udp.TryReceivePayload(buffer, out _))
            {
            }

            if (i % 200 == 0)
            {
                await Task.Delay(1); // stay under the socket buffers
            }
        }

        await Task.Delay(1100);
        var allocated = (await shared.Udp.MetricAsync("tanks_udp_receive_allocated_bytes_total") ?? 0) - allocatedBefore;
        var packets = (await shared.Udp.MetricAsync("tanks_udp_packets_total{direction=\"in\",type=\"payload\"}") ?? 0) - packetsBefore;

        Assert.True(packets >= 4000, $"only {packets} payloads reached the gateway");
        Assert.True(allocated < 1024, $"the receive thread allocated {allocated} bytes for {packets} payloads");
    }
}
