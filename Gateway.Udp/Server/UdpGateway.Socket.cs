using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tanks.Gateway.Udp.Payloads;
using Tanks.Protocol.Netcode;

namespace Tanks.Gateway.Udp.Server;

internal sealed partial class UdpGateway
{
    /// <summary>SO_REUSEPORT on Linux (not in <see cref="SocketOptionName"/>).</summary>
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    /// <summary>Receive buffer: larger than any valid datagram, so a longer one is seen (cut) and rejected as too large.</summary>
    private const int DatagramBufferBytes = 2048;

    /// <summary>Types a connected address may send (a response is ignored once connected, as in the reference).</summary>
    private const NetcodeAllowedPackets ConnectedAllowed =
        NetcodeAllowedPackets.KeepAlive | NetcodeAllowedPackets.Payload | NetcodeAllowedPackets.Disconnect | NetcodeAllowedPackets.ConnectionResponse;

    private readonly Socket[] _sockets;
    private readonly Thread[] _receiveThreads;
    private readonly nint[] _receiveThreadHandles;

    /// <summary>Bytes each receive thread allocated since it started (GC.GetAllocatedBytesForCurrentThread): the proof that the path allocates nothing.</summary>
    private readonly long[] _receiveAllocated;
    private volatile bool _stopping;

    /// <summary>The bound local endpoint (port 0 in the options gives an ephemeral port).</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    public bool IsRunning { get; private set; }

    /// <summary>Binds the socket(s) and starts the receive threads and the logic loop.</summary>
    public void Start()
    {
        var endPoint = ListenEndPoint(_options.ListenAddress, _options.Port);
        for (var i = 0; i < _sockets.Length; i++)
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.ReceiveBufferSize = _options.ReceiveBufferBytes;
            socket.SendBufferSize = _options.SendBufferBytes;
            if (_sockets.Length > 1)
            {
                // .NET has no SocketOptionName for SO_REUSEPORT: set it raw (SOL_SOCKET = 1, SO_REUSEPORT = 15 on Linux).
                socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            }

            // Later sockets join the first one's port (which may have been ephemeral).
            socket.Bind(i == 0 ? endPoint : LocalEndPoint!);
            LocalEndPoint ??= (IPEndPoint)socket.LocalEndPoint!;
            _sockets[i] = socket;
        }

        for (var i = 0; i < _sockets.Length; i++)
        {
            _receiveThreads[i] = new Thread(ReceiveLoop) { Name = $"udp-receive-{i}", IsBackground = true, Priority = ThreadPriority.AboveNormal };
            _receiveThreads[i].Start(i);
        }

        _logicThread = new Thread(LogicLoop) { Name = "udp-logic", IsBackground = true };
        _logicThread.Start();
        IsRunning = true;
    }

    /// <summary>Disconnects every client (redundant disconnect packets), closes the sockets and joins the threads.</summary>
    public void Stop()
    {
        if (_stopping)
        {
            return;
        }

        Log.Stopping(_logger, ConnectedClients);
        using (BeginSendBatch())
        {
            DisconnectAll();
        }

        _stopping = true;
        IsRunning = false;
        foreach (var socket in _sockets)
        {
            socket?.Dispose();
        }

        foreach (var thread in _receiveThreads)
        {
            thread?.Join(TimeSpan.FromSeconds(2));
        }

        _logicThread?.Join(TimeSpan.FromSeconds(2));
        lock (_handshakeLock)
        {
            foreach (var pending in _pending.Values)
            {
                pending.Dispose();
            }

            _pending.Clear();
        }
    }

    private void DisconnectAll()
    {
        for (var i = 0; i < _slotsEverUsed; i++)
        {
            if (Volatile.Read(ref _slots[i]) is { } slot)
            {
                uint generation;
                bool active;
                lock (slot)
                {
                    generation = slot.Generation;
                    active = slot.Active;
                }

                if (active)
                {
                    Disconnect(slot, generation, UdpDisconnectReason.ServerDisconnected);
                }
            }
        }
    }

    private static IPEndPoint ListenEndPoint(string listenAddress, int port)
    {
        if (listenAddress is "*" or "")
        {
            return new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, port);
        }

        return new IPEndPoint(IPAddress.Parse(listenAddress), port);
    }

    private void ReceiveLoop(object? state)
    {
        var index = (int)state!;
        var socket = _sockets[index];
        var context = new ReceiveContext(socket.AddressFamily, index);
        _receiveThreadHandles[index] = ThreadCpuClock.CurrentThread();
        if (_batchedIo)
        {
            ReceiveBatches(index, context);
            _receiveThreadHandles[index] = 0;
            return;
        }

        var allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
        while (!_stopping)
        {
            int length;
            try
            {
                length = socket.ReceiveFrom(context.Datagram, SocketFlags.None, context.From);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException) when (_stopping)
            {
                break;
            }
            catch (SocketException ex) when (IsTransient(ex))
            {
                _metrics.ReceiveCalls();
                continue;
            }
            catch (SocketException ex)
            {
                Log.ReceiveLoopFailed(_logger, ex, index);
                Thread.Sleep(10);
                continue;
            }

            _metrics.ReceiveCalls();
            try
            {
                Receive(context, context.Datagram.AsSpan(0, length));
            }
            catch (Exception ex)
            {
                Log.PacketFailed(_logger, ex);
            }

            Volatile.Write(ref _receiveAllocated[index], GC.GetAllocatedBytesForCurrentThread() - allocatedAtStart);
        }

        _receiveThreadHandles[index] = 0;
    }

    /// <summary>Errors of one datagram (or an interrupted call), not of the socket: the loop goes on.</summary>
    private static bool IsTransient(SocketException ex) =>
        ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize or SocketError.NoBufferSpaceAvailable or SocketError.Interrupted;

    /// <summary>Classifies one datagram (from <c>context.From</c>). Nothing is ever sent in answer to a packet that fails validation.</summary>
    private void Receive(ReceiveContext context, ReadOnlySpan<byte> packet)
    {
        var length = packet.Length;
        if (length == 0 || !NetcodeAddress.TryFromSocketAddress(context.From, out var from))
        {
            _metrics.InInvalid(length);
            return;
        }

        if (packet[0] == 0)
        {
            HandleRequest(context, packet, from);
        }
        else if (_connected.TryGetValue(from, out var slot))
        {
            HandleConnected(context, packet, from, slot);
        }
        else
        {
            HandleResponse(context, packet, from);
        }
    }

    private void HandleConnected(ReceiveContext context, ReadOnlySpan<byte> packet, NetcodeAddress from, ClientSlot slot)
    {
        NetcodePacketInfo info;
        UdpConnection connection;
        lock (slot)
        {
            if (!slot.Active || slot.Address != from)
            {
                _metrics.InInvalid(packet.Length);
                return;
            }

            var result = NetcodePacketReader.TryRead(
                packet, context.Plaintext, _protocolId, ConnectedAllowed, slot.ReadKey, slot.Replay, null, 0, out info);
            if (result != PacketReadResult.Ok)
            {
                _metrics.InInvalid(packet.Length);
                return;
            }

            _metrics.In(info.Type, packet.Length);
            slot.LastReceiveTicks = Stopwatch.GetTimestamp();
            if (info.Type is NetcodePacketType.KeepAlive or NetcodePacketType.Payload)
            {
                slot.Confirmed = true;
            }

            connection = slot.Connection;
        }

        // Outside the slot lock: the handler may send (which locks the slot again) or disconnect (handshake lock first).
        switch (info.Type)
        {
            case NetcodePacketType.Payload:
                _handler.OnPayload(this, connection, context.Plaintext.AsSpan(0, info.BodyLength));
                break;
            case NetcodePacketType.Disconnect:
                Disconnect(slot, connection.Generation, UdpDisconnectReason.ClientDisconnected);
                break;
        }
    }

    /// <summary>Sends a datagram: queued in this thread's open send batch if there is one (copied), else at once.</summary>
    private void Send(int socketIndex, SocketAddress to, ReadOnlySpan<byte> packet, NetcodePacketType type)
    {
        if (OpenBatch(socketIndex) is { } batch)
        {
            if (batch.IsFull)
            {
                Flush(batch, socketIndex);
            }

            if (batch.TryAdd(to, packet))
            {
                _metrics.Out(type, packet.Length);
            }

            return;
        }

        try
        {
            _metrics.SendCalls();
            _sockets[socketIndex].SendTo(packet, SocketFlags.None, to);
            _metrics.Out(type, packet.Length);
        }
        catch (SocketException)
        {
            // Send buffer full or the peer unreachable: UDP is lossy, the protocol copes.
            _metrics.SendFailed();
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    /// <summary>Per receive thread: every buffer the packet path needs, allocated once.</summary>
    private sealed class ReceiveContext(AddressFamily family, int socketIndex)
    {
        public readonly int SocketIndex = socketIndex;
        public readonly byte[] Datagram = new byte[DatagramBufferBytes];
        public readonly byte[] Plaintext = new byte[NetcodeConstants.MaxPacketBodyBytes];
        public readonly byte[] ChallengeToken = new byte[NetcodeConstants.ChallengeTokenBytes];
        public readonly byte[] ChallengePlaintext = new byte[NetcodeConstants.ChallengeTokenBytes];
        public readonly NetcodeConnectTokenPrivate Token = new();
        public readonly SocketAddress From = new(family);
    }
}
