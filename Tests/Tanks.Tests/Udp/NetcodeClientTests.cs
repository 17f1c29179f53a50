using NSec.Cryptography;
using Tanks.Client.Netcode;
using Tanks.Protocol.Netcode;

namespace Tanks.Tests.Udp;

/// <summary>The SDK's client state machine against a scripted server built from the Protocol primitives; no sockets, explicit time.</summary>
public sealed class NetcodeClientTests : IDisposable
{
    private const ulong ProtocolId = NetcodeOptions.DefaultProtocolId;
    private static readonly NetcodeAddress ServerA = NetcodeAddress.Parse("127.0.0.1:40000");
    private static readonly NetcodeAddress ServerB = NetcodeAddress.Parse("127.0.0.1:40001");

    private readonly byte[] _privateKeyBytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private readonly FakeNetwork _network = new();
    private readonly NetcodeConnectTokenPrivate _private = new() { ClientId = 42, TimeoutSeconds = 5 };
    private readonly NetcodeClient _client;
    private byte[] _token = [];
    private Key _s2c = null!;
    private Key _c2s = null!;

    public NetcodeClientTests() => _client = new NetcodeClient(_network);

    public void Dispose()
    {
        _client.Dispose();
        _s2c?.Dispose();
        _c2s?.Dispose();
    }

    [Fact]
    public void Sends_requests_at_10_Hz_then_responses_after_a_challenge_then_connects_on_a_keep_alive()
    {
        Connect(ServerA);
        Assert.Equal(NetcodeClientState.SendingConnectionRequest, _client.State);
        Assert.Equal(NetcodeConstants.ConnectionRequestBytes, Assert.Single(_network.Take()).Packet.Length);

        _client.Update(0.05);
        Assert.Empty(_network.Take()); // not yet 0.1 s
        _client.Update(0.1);
        Assert.Single(_network.Take());

        _client.ProcessPacket(Challenge(sequence: 1UL << 63), ServerA, 0.15);
        Assert.Equal(NetcodeClientState.SendingConnectionResponse, _client.State);
        _client.Update(0.15);
        var response = Assert.Single(_network.Take()).Packet;
        Assert.Equal(PacketReadResult.Ok, Read(response, out var info));
        Assert.Equal(NetcodePacketType.ConnectionResponse, info.Type);
        Assert.Equal(2UL, info.Sequence); // the two requests used sequences 0 and 1

        // A payload before the first keep-alive is dropped, as the standard says.
        _client.ProcessPacket(Packet(w => NetcodePacketWriter.WritePayload(w, 0, [9], ProtocolId, _s2c)), ServerA, 0.2);
        _client.ProcessPacket(Packet(w => NetcodePacketWriter.WriteKeepAlive(w, 1, 7, 4096, ProtocolId, _s2c)), ServerA, 0.2);
        Assert.Equal(NetcodeClientState.Connected, _client.State);
        Assert.Equal(7u, _client.ClientIndex);
        Assert.Equal(4096u, _client.MaxClients);
        Assert.False(_client.TryReceivePayload(new byte[1200], out _));
    }

    [Fact]
    public void Exchanges_payloads_keeps_alive_when_idle_and_ignores_replays_and_strangers()
    {
        ConnectFully();
        Assert.True(_client.SendPayload([1, 2, 3], 1.0));
        Assert.Equal(PacketReadResult.Ok, Read(Assert.Single(_network.Take()).Packet, out var sent));
        Assert.Equal(NetcodePacketType.Payload, sent.Type);

        var payload = Packet(w => NetcodePacketWriter.WritePayload(w, 10, [4, 5], ProtocolId, _s2c));
        _client.ProcessPacket(payload, ServerA, 1.0);
        _client.ProcessPacket(payload, ServerA, 1.0); // replay
        _client.ProcessPacket(Packet(w => NetcodePacketWriter.WritePayload(w, 11, [6], ProtocolId, _s2c)), ServerB, 1.0); // wrong address
        var buffer = new byte[1200];
        Assert.True(_client.TryReceivePayload(buffer, out var length));
        Assert.Equal(new byte[] { 4, 5 }, buffer[..length]);
        Assert.False(_client.TryReceivePayload(buffer, out _));

        _client.Update(1.05);
        Assert.Empty(_network.Take());
        _client.Update(1.1);
        Assert.Equal(PacketReadResult.Ok, Read(Assert.Single(_network.Take()).Packet, out var keepAlive));
        Assert.Equal(NetcodePacketType.KeepAlive, keepAlive.Type);
    }

    [Fact]
    public void Disconnect_sends_ten_disconnect_packets()
    {
        ConnectFully();
        _client.Disconnect(2.0);
        var sent = _network.Take();
        Assert.Equal(10, sent.Count);
        Assert.All(sent, p => Assert.Equal(NetcodePacketType.Disconnect, (NetcodePacketType)(p.Packet[0] & 0xF)));
        Assert.Equal(NetcodeClientState.Disconnected, _client.State);
        Assert.False(_client.SendPayload([1], 2.0));
    }

    [Fact]
    public void Server_disconnect_packet_ends_the_connection()
    {
        ConnectFully();
        _client.ProcessPacket(Packet(w => NetcodePacketWriter.WriteDisconnect(w, 20, ProtocolId, _s2c)), ServerA, 1.0);
        Assert.Equal(NetcodeClientState.Disconnected, _client.State);
    }

    [Fact]
    public void Denied_by_the_only_server_is_connection_denied()
    {
        Connect(ServerA);
        _client.ProcessPacket(Packet(w => NetcodePacketWriter.WriteConnectionDenied(w, 1UL << 63, ProtocolId, _s2c)), ServerA, 0.05);
        _client.Update(0.05);
        Assert.Equal(NetcodeClientState.ConnectionDenied, _client.State);
    }

    [Fact]
    public void Denied_by_the_first_server_tries_the_next_one()
    {
        Connect(ServerA, ServerB);
        _network.Take();
        _client.ProcessPacket(Packet(w => NetcodePacketWriter.WriteConnectionDenied(w, 1UL << 63, ProtocolId, _s2c)), ServerA, 0.05);
        _client.Update(0.05);
        Assert.Equal(NetcodeClientState.SendingConnectionRequest, _client.State);
        Assert.Equal(ServerB, _client.ServerAddress);
        Assert.Equal(ServerB, Assert.Single(_network.Take()).To);
    }

    [Fact]
    public void Silence_times_out_in_each_state_with_its_error()
    {
        Connect(ServerA);
        _client.Update(5.2);
        Assert.Equal(NetcodeClientState.ConnectionRequestTimedOut, _client.State);

        Connect(ServerA);
        _client.ProcessPacket(Challenge(1), ServerA, 0.1);
        _client.Update(5.2);
        Assert.Equal(NetcodeClientState.ConnectionResponseTimedOut, _client.State);

        ConnectFully();
        _client.Update(6.5);
        Assert.Equal(NetcodeClientState.ConnectionTimedOut, _client.State);
    }

    [Fact]
    public void A_connection_that_outlives_the_token_is_connect_token_expired()
    {
        _private.TimeoutSeconds = 100;
        Connect(ServerA, expireSeconds: 3);
        for (var t = 0.0; t < 2.9; t += 0.5)
        {
            _client.Update(t);
        }

        Assert.Equal(NetcodeClientState.SendingConnectionRequest, _client.State);
        _client.Update(3.0);
        Assert.Equal(NetcodeClientState.ConnectTokenExpired, _client.State);
    }

    [Fact]
    public void An_unreadable_token_is_invalid_connect_token()
    {
        var token = new byte[NetcodeConstants.ConnectTokenBytes];
        _client.Connect(token, 0);
        Assert.Equal(NetcodeClientState.InvalidConnectToken, _client.State);
        _client.Connect(new byte[100], 0);
        Assert.Equal(NetcodeClientState.InvalidConnectToken, _client.State);
    }

    private void ConnectFully()
    {
        Connect(ServerA);
        _client.ProcessPacket(Challenge(1), ServerA, 0.1);
        _client.ProcessPacket(Packet(w => NetcodePacketWriter.WriteKeepAlive(w, 0, 0, 16, ProtocolId, _s2c)), ServerA, 0.5);
        Assert.Equal(NetcodeClientState.Connected, _client.State);
        _network.Take();
    }

    private void Connect(NetcodeAddress first, NetcodeAddress? second = null, long expireSeconds = 30)
    {
        NetcodeAddress[] servers = second is { } b ? [first, b] : [first];
        _private.SetServerAddresses(servers);
        System.Security.Cryptography.RandomNumberGenerator.Fill(_private.ClientToServerKey);
        System.Security.Cryptography.RandomNumberGenerator.Fill(_private.ServerToClientKey);
        using var key = NetcodeKeys.ImportConnectTokenKey(_privateKeyBytes);
        var token = NetcodeConnectToken.Generate(_private, servers, ProtocolId, 1_700_000_000, expireSeconds, key);
        _token = new byte[NetcodeConstants.ConnectTokenBytes];
        token.Write(_token);
        _s2c?.Dispose();
        _c2s?.Dispose();
        _s2c = NetcodeKeys.ImportPacketKey(_private.ServerToClientKey);
        _c2s = NetcodeKeys.ImportPacketKey(_private.ClientToServerKey);
        _client.Connect(_token, 0);
        _client.Update(0);
    }

    private byte[] Challenge(ulong sequence)
    {
        using var challengeKey = NetcodeKeys.ImportChallengeKey(new byte[32]);
        var sealedToken = new byte[NetcodeConstants.ChallengeTokenBytes];
        NetcodeChallengeToken.WriteSealed(sealedToken, _private.ClientId, _private.UserData, 5, challengeKey);
        return Packet(w => NetcodePacketWriter.WriteConnectionChallenge(w, sequence, 5, sealedToken, ProtocolId, _s2c));
    }

    private static byte[] Packet(Func<byte[], int> write)
    {
        var buffer = new byte[NetcodeConstants.MaxPacketBytes];
        return buffer[..write(buffer)];
    }

    private PacketReadResult Read(byte[] packet, out NetcodePacketInfo info) =>
        NetcodePacketReader.TryRead(packet, new byte[NetcodeConstants.MaxPacketBodyBytes], ProtocolId, NetcodeAllowedPackets.Server, _c2s, null, null, 0, out info);

    private sealed class FakeNetwork : INetcodeTransport
    {
        private readonly List<(byte[] Packet, NetcodeAddress To)> _sent = [];

        public void Send(ReadOnlySpan<byte> packet, NetcodeAddress to) => _sent.Add((packet.ToArray(), to));

        public List<(byte[] Packet, NetcodeAddress To)> Take()
        {
            var copy = _sent.ToList();
            _sent.Clear();
            return copy;
        }
    }
}
