using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tanks.Client.Netcode;
using Tanks.Protocol.Netcode;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Udp;

/// <summary>
/// A million hostile datagrams (random, truncated, bit-flipped, and replays of valid packets) against a running
/// Gateway.Udp while a legitimate client keeps exchanging payloads.
/// </summary>
public sealed class UdpHostileInputTests
{
    private const int Datagrams = 1_000_000;
    private const int SenderSockets = 4;
    private static readonly TimeSpan FloodLimit = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task A_million_invalid_datagrams_get_no_answer_and_do_not_disturb_a_connected_client()
    {
        await using var stack = await TanksStack.StartAsync();
        var gateway = await stack.StartUdpGatewayAsync(new Dictionary<string, string> { ["UdpGateway__PayloadMode"] = "echo" });

        var legitToken = NetcodeTestKit.Mint(gateway.KeyBytes, gateway.Address, timeoutSeconds: 15);
        using var legit = NetcodeUdpClient.Create(new NetcodeUdpClientOptions { LocalAddress = IPAddress.Loopback, ReceiveQueueCapacity = 1024 });
        Assert.Equal(NetcodeClientState.Connected, await legit.ConnectAsync(legitToken, TimeSpan.FromSeconds(10)));
        await UdpGatewayEndToEndTests.AssertEchoesAsync(legit, 3);

        var pool = HostilePool(legitToken, seed: 20261124);
        var rssBefore = gateway.Process.ResidentBytes;

        // Senders on other addresses and ports; each must receive nothing at all.
        var senders = Enumerable.Range(0, SenderSockets).Select(i => new RawUdp(i % 2 == 0 ? "127.0.0.1" : "127.0.0.4")).ToArray();
        var target = new IPEndPoint(IPAddress.Loopback, gateway.Port).Serialize();
        var sent = 0L;
        var clock = Stopwatch.StartNew();
        var flood = Enumerable.Range(0, 2).Select(thread => Task.Run(() =>
        {
            var random = new Random(thread);
            for (var i = thread; i < Datagrams && clock.Elapsed < FloodLimit; i += 2)
            {
                var datagram = pool[random.Next(pool.Length)];
                try
                {
                    senders[(i >> 1) % SenderSockets].Socket.SendTo(datagram, SocketFlags.None, target);
                }
                catch (SocketException)
                {
                    // ENOBUFS under load: counts as sent-and-lost, like the wire would.
                }

                Interlocked.Increment(ref sent);
            }
        })).ToArray();

        // Meanwhile the legitimate client keeps sending numbered payloads and collecting their echoes.
        var echoedDuringFlood = 0;
        var sentDuringFlood = 0;
        var buffer = new byte[NetcodeConstants.MaxPayloadBytes];
        while (!flood.All(t => t.IsCompleted) && clock.Elapsed < FloodLimit + TimeSpan.FromSeconds(5))
        {
            if (legit.SendPayload(BitConverter.GetBytes(sentDuringFlood)))
            {
                sentDuringFlood++;
            }

            await Task.Delay(10);
            while (legit.TryReceivePayload(buffer, out _))
            {
                echoedDuringFlood++;
            }
        }

        await Task.WhenAll(flood);
        var floodTime = clock.Elapsed;

        Assert.Equal(Datagrams, Interlocked.Read(ref sent));
        Assert.True(floodTime < FloodLimit, $"flood took {floodTime}");
        Assert.False(gateway.Process.HasExited, gateway.Process.Output);
        Assert.Equal(NetcodeClientState.Connected, legit.State);
        Assert.True(echoedDuringFlood > 0, $"no echo during the flood ({sentDuringFlood} sent)");
        await UdpGatewayEndToEndTests.AssertEchoesAsync(legit, 20);

        foreach (var sender in senders)
        {
            Assert.Empty(sender.ReceiveAll(TimeSpan.FromMilliseconds(200)));
            sender.Dispose();
        }

        var rssAfter = gateway.Process.ResidentBytes;
        Assert.True(rssAfter - rssBefore < 64L * 1024 * 1024, $"RSS grew from {rssBefore >> 20} MB to {rssAfter >> 20} MB");
        var invalid = await gateway.MetricAsync("tanks_udp_packets_total{direction=\"in\",type=\"invalid\"}");
        Assert.True(invalid > 0);
        TestContext.Current.SendDiagnosticMessage(
            $"hostile: {Datagrams} datagrams in {floodTime.TotalSeconds:F1} s; gateway counted {invalid} invalid; " +
            $"legit echoes during flood {echoedDuringFlood}/{sentDuringFlood}; RSS {rssBefore >> 20} → {rssAfter >> 20} MB");
    }

    /// <summary>
    /// Distinct hostile datagrams: random bytes of every length (also over 1300), valid packets truncated or with
    /// 1..3 bits flipped, well-formed requests with garbage tokens, and exact replays of valid packets — the legit
    /// client's own request and payloads sealed with its key — sent from addresses that are not its own.
    /// </summary>
    private static byte[][] HostilePool(byte[] legitToken, int seed)
    {
        var random = new Random(seed);
        var token = new NetcodeConnectToken();
        Assert.Equal(TokenReadResult.Ok, NetcodeConnectToken.TryRead(legitToken, token));
        using var c2s = NetcodeKeys.ImportPacketKey(token.ClientToServerKey);
        var request = NetcodeTestKit.Request(legitToken);
        // Only packets that are invalid from a hostile address: a fresh, unused token would rightly get a challenge.
        var valid = new List<byte[]> { request };
        var scratch = new byte[NetcodeConstants.MaxPacketBytes];
        for (ulong sequence = 0; sequence < 64; sequence++)
        {
            var payload = new byte[1 + random.Next(200)];
            random.NextBytes(payload);
            valid.Add(scratch[..NetcodePacketWriter.WritePayload(scratch, sequence, payload, token.ProtocolId, c2s)]);
            valid.Add(scratch[..NetcodePacketWriter.WriteKeepAlive(scratch, sequence + 1000, 0, 0, token.ProtocolId, c2s)]);
            valid.Add(scratch[..NetcodePacketWriter.WriteDisconnect(scratch, sequence + 2000, token.ProtocolId, c2s)]);
            valid.Add(scratch[..NetcodePacketWriter.WriteConnectionResponse(scratch, sequence + 3000, sequence, new byte[300], token.ProtocolId, c2s)]);
        }

        var pool = new byte[16384][];
        for (var i = 0; i < pool.Length; i++)
        {
            var source = valid[random.Next(valid.Count)];
            pool[i] = (i % 6) switch
            {
                0 => RandomBytes(random, random.Next(0, 1500)),
                1 => source[..random.Next(0, source.Length)],
                2 => Flip(random, source),
                3 => (byte[])source.Clone(),
                4 => GarbageRequest(random, token.ProtocolId),
                _ => Prefixed(random),
            };
        }

        return pool;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Flip(Random random, byte[] source)
    {
        var copy = (byte[])source.Clone();
        for (var bits = 1 + random.Next(3); bits > 0; bits--)
        {
            var bit = random.Next(copy.Length * 8);
            copy[bit >> 3] ^= (byte)(1 << (bit & 7));
        }

        return copy;
    }

    /// <summary>1078 bytes, right version, protocol id and a future expiry, but a token sealed by nobody.</summary>
    private static byte[] GarbageRequest(Random random, ulong protocolId)
    {
        var nonce = RandomBytes(random, NetcodeConstants.ConnectTokenNonceBytes);
        var sealedToken = RandomBytes(random, NetcodeConstants.ConnectTokenPrivateBytes);
        var packet = new byte[NetcodeConstants.ConnectionRequestBytes];
        NetcodePacketWriter.WriteConnectionRequest(packet, protocolId, (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600, nonce, sealedToken);
        return packet;
    }

    /// <summary>Every prefix byte with a plausible length: each type, each sequence width, bad nibbles.</summary>
    private static byte[] Prefixed(Random random)
    {
        var bytes = RandomBytes(random, 18 + random.Next(400));
        bytes[0] = (byte)random.Next(256);
        return bytes;
    }
}
