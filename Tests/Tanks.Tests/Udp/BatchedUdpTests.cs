using System.Net;
using System.Net.Sockets;
using Tanks.BatchedUdp;

namespace Tanks.Tests.Udp;

/// <summary>recvmmsg/sendmmsg through real loopback sockets: many datagrams per call, addresses as .NET keeps them, IP_PKTINFO sources.</summary>
public sealed class BatchedUdpTests
{
    private static Socket Bound(IPAddress address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        UdpReceiveBatch.SetReceiveTimeout(socket, TimeSpan.FromSeconds(5));
        return socket;
    }

    private static uint Raw(IPAddress address) => BitConverter.ToUInt32(address.GetAddressBytes());

    [Fact]
    public void A_batch_of_datagrams_goes_out_and_comes_in_in_order_with_the_sender_address_dotnet_uses()
    {
        Assert.True(UdpSendBatch.IsSupported, "CI runs on Linux x86-64");
        using var sender = Bound(IPAddress.Loopback);
        using var receiver = Bound(IPAddress.Loopback);
        using var send = new UdpSendBatch(16, 1300);
        using var receive = new UdpReceiveBatch(32, 2048);
        var to = ((IPEndPoint)receiver.LocalEndPoint!).Serialize();
        for (var i = 0; i < 10; i++)
        {
            Assert.True(send.TryAdd(to, [(byte)i, 1, 2, 3]));
        }

        var result = send.Flush(sender);
        Assert.Equal(new FlushResult(10, 0, 1), result);
        Assert.Equal(0, send.Count);

        var got = new List<byte>();
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (got.Count < 10)
        {
            var count = receive.Receive(receiver);
            Assert.True(count > 0, "the datagrams were sent on loopback");
            for (var i = 0; i < count; i++)
            {
                Assert.Equal(4, receive.Datagram(i).Length);
                Assert.False(receive.IsTruncated(i));
                got.Add(receive.Datagram(i)[0]);
                Assert.True(receive.TryCopySource(i, from));
                Assert.Equal(((IPEndPoint)sender.LocalEndPoint!).Serialize(), from);
            }
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), got);
    }

    [Fact]
    public void A_datagram_longer_than_the_buffer_is_cut_and_flagged()
    {
        using var sender = Bound(IPAddress.Loopback);
        using var receiver = Bound(IPAddress.Loopback);
        using var receive = new UdpReceiveBatch(4, 100);
        sender.SendTo(new byte[300], receiver.LocalEndPoint!);
        Assert.Equal(1, receive.Receive(receiver));
        Assert.True(receive.IsTruncated(0));
        Assert.Equal(100, receive.Datagram(0).Length);
    }

    [Fact]
    public void A_datagram_the_kernel_refuses_is_dropped_and_the_rest_still_go()
    {
        using var sender = Bound(IPAddress.Loopback);
        using var receiver = Bound(IPAddress.Loopback);
        using var send = new UdpSendBatch(4, 64);
        using var receive = new UdpReceiveBatch(8, 64);
        var to = ((IPEndPoint)receiver.LocalEndPoint!).Serialize();
        Assert.True(send.TryAdd(to, [1]));
        // An IPv6 address on an IPv4 socket: the kernel refuses that one datagram (EAFNOSUPPORT).
        Assert.True(send.TryAdd(new IPEndPoint(IPAddress.IPv6Loopback, 9).Serialize(), [2]));
        Assert.True(send.TryAdd(to, [3]));
        var result = send.Flush(sender);
        Assert.Equal(2, result.Sent);
        Assert.Equal(1, result.Failed);

        var got = new List<byte>();
        while (got.Count < 2)
        {
            var count = receive.Receive(receiver);
            Assert.True(count > 0);
            for (var i = 0; i < count; i++)
            {
                got.Add(receive.Datagram(i)[0]);
            }
        }

        Assert.Equal([1, 3], got);
    }

    [Fact]
    public void One_wildcard_socket_speaks_for_many_loopback_addresses_with_IP_PKTINFO()
    {
        using var server = Bound(IPAddress.Loopback);
        using var swarm = Bound(IPAddress.Any);
        UdpReceiveBatch.EnablePacketInfo(swarm);
        var swarmPort = ((IPEndPoint)swarm.LocalEndPoint!).Port;
        using var send = new UdpSendBatch(8, 64, packetInfo: true);
        using var receive = new UdpReceiveBatch(8, 64, packetInfo: true);
        var serverAddress = ((IPEndPoint)server.LocalEndPoint!).Serialize();
        var bots = Enumerable.Range(0, 5).Select(i => IPAddress.Parse($"127.9.0.{i + 1}")).ToArray();
        for (var i = 0; i < bots.Length; i++)
        {
            Assert.True(send.TryAdd(serverAddress, [(byte)i], Raw(bots[i])));
        }

        Assert.Equal(5, send.Flush(swarm).Sent);

        // The server sees one address per bot and answers each.
        var buffer = new byte[64];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        for (var i = 0; i < bots.Length; i++)
        {
            var length = server.ReceiveFrom(buffer, ref any);
            var from = (IPEndPoint)any;
            Assert.Equal(1, length);
            Assert.Equal(new IPEndPoint(bots[buffer[0]], swarmPort), from);
            server.SendTo(buffer.AsSpan(0, 1), from);
        }

        // The answers come back to the one socket, each saying which bot it was for.
        var answered = new Dictionary<byte, uint>();
        while (answered.Count < bots.Length)
        {
            var count = receive.Receive(swarm);
            Assert.True(count > 0);
            for (var i = 0; i < count; i++)
            {
                answered[receive.Datagram(i)[0]] = receive.DestinationAddress(i);
            }
        }

        for (var i = 0; i < bots.Length; i++)
        {
            Assert.Equal(Raw(bots[i]), answered[(byte)i]);
        }
    }

    [Fact]
    public void A_receive_with_nothing_queued_returns_nothing_and_a_closed_socket_says_so()
    {
        using var receive = new UdpReceiveBatch(4, 64);
        var socket = Bound(IPAddress.Loopback);
        Assert.Equal(0, receive.Receive(socket, wait: false));
        UdpReceiveBatch.SetReceiveTimeout(socket, TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, receive.Receive(socket, wait: true)); // the receive timeout passed
        socket.Dispose();
        Assert.Throws<ObjectDisposedException>(() => receive.Receive(socket));
    }
}
