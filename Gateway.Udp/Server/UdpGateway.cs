using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using NSec.Cryptography;
using Tanks.Gateway.Udp.Payloads;
using Tanks.Protocol.Netcode;

namespace Tanks.Gateway.Udp.Server;

/// <summary>
/// The server side of netcode 1.02 (STANDARD.md of mas-bandwidth/netcode) for thousands of clients:
/// dedicated receive thread(s) on blocking sockets with a cached <see cref="SocketAddress"/> (no allocation per
/// packet), connected clients looked up by <see cref="NetcodeAddress"/>, a Stopwatch-timed logic loop for
/// keep-alives and timeouts. Soft state only: a restart forgets every connection.
/// Split by concern: <c>.Socket.cs</c> (sockets, receive loop, dispatch), <c>.Handshake.cs</c> (request,
/// challenge, response, denied), <c>.Tick.cs</c> (keep-alives, timeouts, pruning, CPU sampling).
/// Locks: the handshake lock (indexes, pending mappings, token history) is taken before a slot's lock, never after.
/// </summary>
internal sealed partial class UdpGateway : IUdpSender, IDisposable
{
    /// <summary>Disconnect packets sent when one side leaves (the reference sends 10).</summary>
    public const int RedundantDisconnectPackets = 10;

    private readonly UdpGatewayOptions _options;
    private readonly UdpGatewayMetrics _metrics;
    private readonly IPayloadHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ulong _protocolId;
    private readonly int _maxClients;
    private readonly Key _privateKey;
    private readonly Key _challengeKey;
    private readonly long _keepAliveTicks;

    private readonly object _handshakeLock = new();
    private readonly ConcurrentDictionary<NetcodeAddress, ClientSlot> _connected = new();
    private readonly Dictionary<ulong, ClientSlot> _byClientId = [];
    private readonly Dictionary<NetcodeAddress, PendingConnection> _pending = [];
    private readonly TokenHistory _tokenHistory;
    private readonly ClientSlot?[] _slots;
    private readonly Stack<int> _freedSlots = new();
    private int _slotsEverUsed;
    private int _connectedCount;
    private ulong _globalSequence = NetcodeConstants.ServerGlobalSequenceStart;
    private ulong _challengeSequence;

    [ThreadStatic]
    private static byte[]? t_sendBuffer;

    public UdpGateway(
        UdpGatewayOptions options,
        NetcodeOptions netcode,
        ReadOnlySpan<byte> privateKey,
        UdpGatewayMetrics metrics,
        IPayloadHandler handler,
        TimeProvider time,
        ILogger logger)
    {
        _options = options;
        _metrics = metrics;
        _handler = handler;
        _time = time;
        _logger = logger;
        _protocolId = netcode.ProtocolId;
        _maxClients = options.MaxClients;
        ServerAddress = NetcodeAddress.Parse(options.ServerAddress ?? netcode.EffectivePublicAddresses[0]);
        _privateKey = NetcodeKeys.ImportConnectTokenKey(privateKey);
        Span<byte> challengeKey = stackalloc byte[NetcodeConstants.KeyBytes];
        System.Security.Cryptography.RandomNumberGenerator.Fill(challengeKey);
        _challengeKey = NetcodeKeys.ImportChallengeKey(challengeKey);
        challengeKey.Clear();
        _keepAliveTicks = Stopwatch.Frequency * options.KeepAliveMilliseconds / 1000;
        _tokenHistory = new TokenHistory(options.TokenHistoryCapacity);
        _slots = new ClientSlot?[options.MaxClients];
        _sockets = new Socket[options.Sockets];
        _receiveThreads = new Thread[options.Sockets];
        _receiveThreadHandles = new nint[options.Sockets];
        _receiveAllocated = new long[options.Sockets];
        _batchedIo = options.UsesBatchedIo;
    }

    /// <summary>This server's address as tokens must name it.</summary>
    public NetcodeAddress ServerAddress { get; }

    public int ConnectedClients => Volatile.Read(ref _connectedCount);

    private static byte[] SendBuffer => t_sendBuffer ??= new byte[NetcodeConstants.MaxPacketBytes + 64];

    private ulong UnixNow => (ulong)_time.GetUtcNow().ToUnixTimeSeconds();

    public bool TrySendPayload(in UdpConnection connection, ReadOnlySpan<byte> payload)
    {
        if (payload.Length is < 1 or > NetcodeConstants.MaxPayloadBytes || (uint)connection.Index >= (uint)_slots.Length)
        {
            return false;
        }

        var slot = Volatile.Read(ref _slots[connection.Index]);
        if (slot is null)
        {
            return false;
        }

        lock (slot)
        {
            if (!slot.Active || slot.Generation != connection.Generation)
            {
                return false;
            }

            if (!slot.Confirmed)
            {
                // The client drops payloads until its first keep-alive: lead with one until it has answered (reference behaviour).
                SendKeepAlive(slot);
            }

            var space = SendSpace(slot.SocketIndex, out var batch);
            var length = NetcodePacketWriter.WritePayload(space, slot.Sequence++, payload, _protocolId, slot.SendKey!);
            SendWritten(slot.SocketIndex, slot.SocketAddress!, batch, space, length, NetcodePacketType.Payload);
            slot.LastSendTicks = Stopwatch.GetTimestamp();
            return true;
        }
    }

    public void Disconnect(in UdpConnection connection)
    {
        if ((uint)connection.Index < (uint)_slots.Length && Volatile.Read(ref _slots[connection.Index]) is { } slot)
        {
            Disconnect(slot, connection.Generation, UdpDisconnectReason.ServerDisconnected);
        }
    }

    public void Dispose()
    {
        Stop();
        _privateKey.Dispose();
        _challengeKey.Dispose();
    }

    /// <summary>Frees the slot if it still holds generation <paramref name="generation"/>; a server-side disconnect sends the redundant disconnect packets first.</summary>
    private void Disconnect(ClientSlot slot, uint generation, UdpDisconnectReason reason)
    {
        UdpConnection connection;
        lock (_handshakeLock)
        {
            lock (slot)
            {
                if (!slot.Active || slot.Generation != generation)
                {
                    return;
                }

                connection = slot.Connection;
                if (reason == UdpDisconnectReason.ServerDisconnected)
                {
                    for (var i = 0; i < RedundantDisconnectPackets; i++)
                    {
                        var space = SendSpace(slot.SocketIndex, out var batch);
                        var length = NetcodePacketWriter.WriteDisconnect(space, slot.Sequence++, _protocolId, slot.SendKey!);
                        SendWritten(slot.SocketIndex, slot.SocketAddress!, batch, space, length, NetcodePacketType.Disconnect);
                    }
                }

                _connected.TryRemove(slot.Address, out _);
                _byClientId.Remove(slot.ClientId);
                slot.Clear();
                _freedSlots.Push(slot.Index);
                _metrics.SetConnected(--_connectedCount);
            }
        }

        Log.Disconnected(_logger, connection.ClientId, connection.Address, reason);
        _handler.OnDisconnected(connection, reason);
    }

    private void SendKeepAlive(ClientSlot slot)
    {
        var space = SendSpace(slot.SocketIndex, out var batch);
        var length = NetcodePacketWriter.WriteKeepAlive(space, slot.Sequence++, (uint)slot.Index, (uint)_maxClients, _protocolId, slot.SendKey!);
        SendWritten(slot.SocketIndex, slot.SocketAddress!, batch, space, length, NetcodePacketType.KeepAlive);
        slot.LastSendTicks = Stopwatch.GetTimestamp();
    }
}
