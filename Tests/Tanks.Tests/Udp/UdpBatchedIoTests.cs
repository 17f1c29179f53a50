using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Tanks.Client.Netcode;
using Tanks.Gateway.Udp;
using Tanks.Gateway.Udp.Payloads;
using Tanks.Gateway.Udp.Server;
using Tanks.Protocol.Netcode;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Udp;

/// <summary>
/// <c>UdpGateway:BatchedIo</c>: a burst sent inside a send scope leaves in as few <c>sendmmsg</c> calls as the batch
/// size allows and arrives whole and in order; with batching off the gateway serves clients one call per datagram.
/// </summary>
[Collection(UdpStackCollection.Name)]
public sealed class UdpBatchedIoTests(UdpStack shared)
{
    private const int Clients = 3;

    [Theory]
    [InlineData(10, 1)]  // 30 datagrams: one call
    [InlineData(30, 2)]  // 90 datagrams: the 64-datagram batch fills once and is sent, the rest at the end
    public async Task A_burst_in_a_send_scope_goes_out_in_one_call_per_full_batch_and_arrives_in_order(int perClient, int expectedCalls)
    {
        using var server = InProcessGateway.Start(BatchedIoMode.On);
        var clients = await server.ConnectAsync(Clients);
        try
        {
            var callsBefore = server.Gateway.SendBatchCallsOnThisThread();
            using (server.Gateway.BeginSendBatch())
            {
                for (var k = 0; k < perClient; k++)
                {
                    foreach (var (client, connection) in clients)
                    {
                        Assert.True(server.Gateway.TrySendPayload(connection, [(byte)k, 0xAB]));
                    }
                }
            }

            Assert.Equal(expectedCalls, server.Gateway.SendBatchCallsOnThisThread() - callsBefore);
            foreach (var (client, _) in clients)
            {
                Assert.Equal(Enumerable.Range(0, perClient).Select(k => (byte)k), await ReceiveAsync(client, perClient));
            }
        }
        finally
        {
            foreach (var (client, _) in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Without_a_scope_each_datagram_is_sent_at_once()
    {
        using var server = InProcessGateway.Start(BatchedIoMode.On);
        var clients = await server.ConnectAsync(1);
        var (client, connection) = clients[0];
        using (client)
        {
            var callsBefore = server.Gateway.SendBatchCallsOnThisThread();
            Assert.True(server.Gateway.TrySendPayload(connection, [7]));
            Assert.Equal(callsBefore, server.Gateway.SendBatchCallsOnThisThread());
            Assert.Equal([7], await ReceiveAsync(client, 1));
        }
    }

    [Fact]
    public async Task With_batching_off_a_scope_changes_nothing_and_every_datagram_arrives()
    {
        using var server = InProcessGateway.Start(BatchedIoMode.Off);
        var clients = await server.ConnectAsync(2);
        try
        {
            using (server.Gateway.BeginSendBatch())
            {
                for (var k = 0; k < 5; k++)
                {
                    foreach (var (_, connection) in clients)
                    {
                        Assert.True(server.Gateway.TrySendPayload(connection, [(byte)k]));
                    }
                }
            }

            Assert.Equal(0, server.Gateway.SendBatchCallsOnThisThread());
            foreach (var (client, _) in clients)
            {
                Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, await ReceiveAsync(client, 5));
            }
        }
        finally
        {
            foreach (var (client, _) in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>The Gateway.Udp process with batching off: the handshake and echo work, and each datagram out is one system call.</summary>
    [Fact]
    public async Task A_gateway_process_with_batching_off_serves_clients_one_call_per_datagram()
    {
        var gateway = await shared.Stack.StartUdpGatewayAsync(new Dictionary<string, string>
        {
            ["UdpGateway__BatchedIo"] = "off",
            ["UdpGateway__PayloadMode"] = "echo",
        });
        try
        {
            for (var i = 0; i < 2; i++)
            {
                using var client = NetcodeUdpClient.Create();
                Assert.Equal(NetcodeClientState.Connected,
                    await client.ConnectAsync(NetcodeTestKit.Mint(gateway.KeyBytes, gateway.Address), TimeSpan.FromSeconds(10)));
                await UdpGatewayEndToEndTests.AssertEchoesAsync(client, 5);
                client.Disconnect();
            }

            // Once no client is connected the gateway sends nothing more: the counters stand still and can be compared.
            await Eventually.UntilAsync(async () => await gateway.MetricAsync("tanks_udp_clients_connected") == 0 ? "idle" : null);
            var text = await gateway.MetricsAsync();
            var calls = Sample(text, "tanks_udp_system_calls_total{direction=\"out\"}");
            var packets = Sample(text, "tanks_udp_packets_total{direction=\"out\",");
            var failed = Sample(text, "tanks_udp_send_failures_total");
            Assert.True(packets > 0);
            Assert.Equal(packets + failed, calls);
        }
        finally
        {
            await gateway.Process.KillAsync();
        }
    }

    /// <summary>The sum of the samples whose line starts with <paramref name="prefix"/>.</summary>
    private static double Sample(string metrics, string prefix) =>
        metrics.Split('\n').Where(line => line.StartsWith(prefix, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static async Task<byte[]> ReceiveAsync(NetcodeUdpClient client, int count)
    {
        var received = new List<byte>();
        var buffer = new byte[NetcodeConstants.MaxPayloadBytes];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (received.Count < count && DateTime.UtcNow < deadline)
        {
            if (client.TryReceivePayload(buffer, out var length))
            {
                received.Add(buffer[0]);
                continue;
            }

            await Task.Delay(2);
        }

        return [.. received];
    }

    /// <summary>A <see cref="UdpGateway"/> in this process on a loopback port, with a handler that records its clients' connections.</summary>
    private sealed class InProcessGateway : IDisposable, IPayloadHandler
    {
        private readonly byte[] _key = RandomNumberGenerator.GetBytes(NetcodeConstants.KeyBytes);
        private readonly Dictionary<ulong, UdpConnection> _connections = [];
        private readonly HashSet<ulong> _heard = [];

        private InProcessGateway(BatchedIoMode mode)
        {
            Port = TanksStack.FreeUdpPort();
            var options = new UdpGatewayOptions { Port = Port, ListenAddress = "127.0.0.1", BatchedIo = mode, PayloadMode = PayloadMode.None };
            var netcode = new NetcodeOptions { PublicAddresses = [$"127.0.0.1:{Port}"] };
            Gateway = new UdpGateway(options, netcode, _key, new UdpGatewayMetrics(), this, TimeProvider.System, NullLogger.Instance);
        }

        public UdpGateway Gateway { get; }

        public int Port { get; }

        public static InProcessGateway Start(BatchedIoMode mode)
        {
            var server = new InProcessGateway(mode);
            server.Gateway.Start();
            return server;
        }

        public async Task<List<(NetcodeUdpClient Client, UdpConnection Connection)>> ConnectAsync(int count)
        {
            var clients = new List<(NetcodeUdpClient, UdpConnection)>();
            for (var i = 0; i < count; i++)
            {
                var clientId = NetcodeTestKit.NextClientId();
                var client = NetcodeUdpClient.Create();
                Assert.Equal(NetcodeClientState.Connected,
                    await client.ConnectAsync(NetcodeTestKit.Mint(_key, $"127.0.0.1:{Port}", clientId), TimeSpan.FromSeconds(10)));
                // The client may see its first keep-alive just before the server's handler hears of it.
                var connection = await Eventually.UntilAsync(() =>
                {
                    lock (_connections)
                    {
                        return Task.FromResult(_connections.TryGetValue(clientId, out var c) ? (object?)c : null);
                    }
                });
                clients.Add((client, (UdpConnection)connection));

                // Until the server hears from a client it leads each payload with a keep-alive: be heard first, so a
                // burst is exactly its payloads.
                client.SendPayload([1]);
                await Eventually.UntilAsync(() =>
                {
                    lock (_connections)
                    {
                        return Task.FromResult(_heard.Contains(clientId) ? "heard" : null);
                    }
                });
            }

            return clients;
        }

        public void OnConnected(in UdpConnection connection, ReadOnlySpan<byte> userData)
        {
            lock (_connections)
            {
                _connections[connection.ClientId] = connection;
            }
        }

        public void OnPayload(IUdpSender sender, in UdpConnection connection, ReadOnlySpan<byte> payload)
        {
            lock (_connections)
            {
                _heard.Add(connection.ClientId);
            }
        }

        public void OnDisconnected(in UdpConnection connection, UdpDisconnectReason reason)
        {
        }

        public void Dispose() => Gateway.Dispose();
    }
}
