using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Tanks.Protocol.Netcode;

namespace Tanks.Tests.Udp;

/// <summary>Connect tokens minted by the test itself (any key, protocol id, address, expiry) and raw UDP sockets.</summary>
public static class NetcodeTestKit
{
    private static long _nextClientId = 1_000_000 + Random.Shared.Next(1_000_000);

    public static ulong NextClientId() => (ulong)Interlocked.Increment(ref _nextClientId);

    /// <summary>A 2048-byte token as Gateway.Tcp would mint it, with every field overridable.</summary>
    public static byte[] Mint(
        byte[] privateKey,
        string serverAddress,
        ulong? clientId = null,
        ulong protocolId = NetcodeOptions.DefaultProtocolId,
        long expireSeconds = 30,
        long createOffsetSeconds = 0,
        int timeoutSeconds = 10)
    {
        using var key = NetcodeKeys.ImportConnectTokenKey(privateKey);
        var address = NetcodeAddress.Parse(serverAddress);
        var privateToken = new NetcodeConnectTokenPrivate { ClientId = clientId ?? NextClientId(), TimeoutSeconds = timeoutSeconds };
        privateToken.SetServerAddresses([address]);
        RandomNumberGenerator.Fill(privateToken.ClientToServerKey);
        RandomNumberGenerator.Fill(privateToken.ServerToClientKey);
        var now = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + createOffsetSeconds);
        var token = NetcodeConnectToken.Generate(privateToken, [address], protocolId, now, expireSeconds, key);
        var bytes = new byte[NetcodeConstants.ConnectTokenBytes];
        token.Write(bytes);
        return bytes;
    }

    /// <summary>The connection request packet (1078 bytes) a client sends for <paramref name="token"/>.</summary>
    public static byte[] Request(byte[] token)
    {
        var packet = new byte[NetcodeConstants.ConnectionRequestBytes];
        NetcodePacketWriter.WriteConnectionRequest(packet, token);
        return packet;
    }
}

/// <summary>A bare UDP socket on a loopback address, for sending exact bytes and checking what (if anything) comes back.</summary>
public sealed class RawUdp : IDisposable
{
    private readonly Socket _socket;

    public RawUdp(string localAddress = "127.0.0.1")
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
    }

    public Socket Socket => _socket;

    public void Send(ReadOnlySpan<byte> datagram, int port) => _socket.SendTo(datagram, SocketFlags.None, new IPEndPoint(IPAddress.Loopback, port));

    /// <summary>The next datagram within <paramref name="wait"/>, or null (silence).</summary>
    public byte[]? Receive(TimeSpan wait)
    {
        if (!_socket.Poll(wait, SelectMode.SelectRead))
        {
            return null;
        }

        var buffer = new byte[2048];
        var n = _socket.Receive(buffer);
        return buffer[..n];
    }

    /// <summary>Everything that arrived within <paramref name="wait"/>.</summary>
    public List<byte[]> ReceiveAll(TimeSpan wait)
    {
        var result = new List<byte[]>();
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline)
        {
            var left = deadline - DateTime.UtcNow;
            var datagram = Receive(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            if (datagram is null)
            {
                break;
            }

            result.Add(datagram);
        }

        return result;
    }

    public void Dispose() => _socket.Dispose();
}
