using NSec.Cryptography;
using Tanks.Protocol.Netcode;

namespace Tanks.Client.Netcode;

/// <summary>Where the client's datagrams go (a UDP socket, or a test's fake network).</summary>
public interface INetcodeTransport
{
    void Send(ReadOnlySpan<byte> packet, NetcodeAddress to);
}

/// <summary>
/// The client side of netcode 1.02 (STANDARD.md) as a pure state machine: no socket, no clock. The caller feeds
/// it received datagrams and the time (seconds, any monotonic origin) and it sends through an
/// <see cref="INetcodeTransport"/>. States and error codes are the standard's (<see cref="NetcodeClientState"/>):
/// requests at 10 Hz until a challenge, responses at 10 Hz until a keep-alive, then connected with keep-alives
/// when idle for 0.1 s; each server address in the token is tried in turn after a timeout or a denial.
/// Not thread-safe: <see cref="NetcodeUdpClient"/> serializes the calls.
/// </summary>
public sealed class NetcodeClient : IDisposable
{
    /// <summary>Request, response and keep-alive period (10 Hz).</summary>
    public const double SendInterval = 0.1;

    private readonly INetcodeTransport _transport;
    private readonly NetcodeConnectToken _token = new();
    private readonly byte[] _tokenBytes = new byte[NetcodeConstants.ConnectTokenBytes];
    private readonly byte[] _sendBuffer = new byte[NetcodeConstants.MaxPacketBytes + 64];
    private readonly byte[] _plaintext = new byte[NetcodeConstants.MaxPacketBodyBytes];
    private readonly byte[] _challenge = new byte[NetcodeConstants.ChallengeTokenBytes];
    private readonly ReplayProtection _replay = new();
    private readonly PayloadQueue _received;
    private Key? _sendKey;
    private Key? _readKey;
    private ulong _sequence;
    private ulong _challengeSequence;
    private int _serverIndex;
    private double _connectStartTime;
    private double _lastSendTime;
    private double _lastReceiveTime;
    private NetcodeClientState _pendingError;

    public NetcodeClient(INetcodeTransport transport, int receiveQueueCapacity = 64)
    {
        _transport = transport;
        _received = new PayloadQueue(receiveQueueCapacity);
    }

    public NetcodeClientState State { get; private set; } = NetcodeClientState.Disconnected;

    public bool IsConnected => State == NetcodeClientState.Connected;

    /// <summary>The address being tried or connected to.</summary>
    public NetcodeAddress ServerAddress { get; private set; }

    /// <summary>The slot index the server gave (from its keep-alive).</summary>
    public uint ClientIndex { get; private set; }

    /// <summary>The server's capacity (from its keep-alive).</summary>
    public uint MaxClients { get; private set; }

    public ulong ProtocolId => _token.ProtocolId;

    /// <summary>Payloads dropped because <see cref="TryReceivePayload"/> was not called often enough.</summary>
    public long DroppedPayloads => _received.Dropped;

    /// <summary>Starts connecting with a 2048-byte token from login; an unreadable token sets <see cref="NetcodeClientState.InvalidConnectToken"/>.</summary>
    public void Connect(ReadOnlySpan<byte> connectToken, double time)
    {
        Disconnect(time);
        if (NetcodeConnectToken.TryRead(connectToken, _token) != TokenReadResult.Ok)
        {
            State = NetcodeClientState.InvalidConnectToken;
            return;
        }

        connectToken.CopyTo(_tokenBytes);
        _connectStartTime = time;
        StartServer(0, time);
    }

    /// <summary>Sends what is due and applies the timeouts. Call often (every few ms; at least every 0.1 s).</summary>
    public void Update(double time)
    {
        if (State is NetcodeClientState.SendingConnectionRequest or NetcodeClientState.SendingConnectionResponse
            && _token.ExpireTimestamp != NetcodeConstants.NeverExpires
            && _connectStartTime + (_token.ExpireTimestamp - _token.CreateTimestamp) <= time)
        {
            Fail(NetcodeClientState.ConnectTokenExpired);
            return;
        }

        if (_pendingError != NetcodeClientState.Disconnected)
        {
            var error = _pendingError;
            _pendingError = NetcodeClientState.Disconnected;
            if (error != NetcodeClientState.ConnectionTimedOut && _serverIndex + 1 < _token.ServerAddressCount)
            {
                StartServer(_serverIndex + 1, time);
            }
            else
            {
                Fail(error);
                return;
            }
        }

        var timeout = _token.TimeoutSeconds;
        switch (State)
        {
            case NetcodeClientState.SendingConnectionRequest:
                if (timeout > 0 && _lastReceiveTime + timeout < time)
                {
                    _pendingError = NetcodeClientState.ConnectionRequestTimedOut;
                    Update(time);
                    return;
                }

                if (_lastSendTime + SendInterval <= time)
                {
                    var length = NetcodePacketWriter.WriteConnectionRequest(_sendBuffer, _tokenBytes);
                    _sequence++; // the reference counts the unencrypted requests too
                    SendRaw(length, time);
                }

                break;

            case NetcodeClientState.SendingConnectionResponse:
                if (timeout > 0 && _lastReceiveTime + timeout < time)
                {
                    _pendingError = NetcodeClientState.ConnectionResponseTimedOut;
                    Update(time);
                    return;
                }

                if (_lastSendTime + SendInterval <= time)
                {
                    var length = NetcodePacketWriter.WriteConnectionResponse(
                        _sendBuffer, _sequence++, _challengeSequence, _challenge, _token.ProtocolId, _sendKey!);
                    SendRaw(length, time);
                }

                break;

            case NetcodeClientState.Connected:
                if (timeout > 0 && _lastReceiveTime + timeout < time)
                {
                    Fail(NetcodeClientState.ConnectionTimedOut);
                    return;
                }

                if (_lastSendTime + SendInterval <= time)
                {
                    var length = NetcodePacketWriter.WriteKeepAlive(_sendBuffer, _sequence++, 0, 0, _token.ProtocolId, _sendKey!);
                    SendRaw(length, time);
                }

                break;
        }
    }

    /// <summary>Handles one received datagram; anything not from the current server or not valid is ignored.</summary>
    public void ProcessPacket(ReadOnlySpan<byte> datagram, NetcodeAddress from, double time)
    {
        if (State <= NetcodeClientState.Disconnected || from != ServerAddress || _readKey is null)
        {
            return;
        }

        var result = NetcodePacketReader.TryRead(
            datagram, _plaintext, _token.ProtocolId, NetcodeAllowedPackets.Client, _readKey, _replay, null, 0, out var info);
        if (result != PacketReadResult.Ok)
        {
            return;
        }

        switch (info.Type)
        {
            case NetcodePacketType.ConnectionDenied when State is NetcodeClientState.SendingConnectionRequest or NetcodeClientState.SendingConnectionResponse:
                _pendingError = NetcodeClientState.ConnectionDenied;
                _lastReceiveTime = time;
                break;

            case NetcodePacketType.ConnectionChallenge when State == NetcodeClientState.SendingConnectionRequest:
                _challengeSequence = info.ChallengeTokenSequence;
                _plaintext.AsSpan(8, NetcodeConstants.ChallengeTokenBytes).CopyTo(_challenge);
                State = NetcodeClientState.SendingConnectionResponse;
                _lastReceiveTime = time;
                _lastSendTime = double.NegativeInfinity; // answer at once
                break;

            case NetcodePacketType.KeepAlive when State == NetcodeClientState.SendingConnectionResponse:
                ClientIndex = info.ClientIndex;
                MaxClients = info.MaxClients;
                State = NetcodeClientState.Connected;
                _lastReceiveTime = time;
                break;

            case NetcodePacketType.KeepAlive when State == NetcodeClientState.Connected:
                _lastReceiveTime = time;
                break;

            case NetcodePacketType.Payload when State == NetcodeClientState.Connected:
                _received.Enqueue(_plaintext.AsSpan(0, info.BodyLength));
                _lastReceiveTime = time;
                break;

            case NetcodePacketType.Disconnect when State == NetcodeClientState.Connected:
                Fail(NetcodeClientState.Disconnected);
                break;
        }
    }

    /// <summary>Sends a payload (1..1200 bytes) when connected; false otherwise.</summary>
    public bool SendPayload(ReadOnlySpan<byte> payload, double time)
    {
        if (State != NetcodeClientState.Connected || payload.Length is < 1 or > NetcodeConstants.MaxPayloadBytes)
        {
            return false;
        }

        var length = NetcodePacketWriter.WritePayload(_sendBuffer, _sequence++, payload, _token.ProtocolId, _sendKey!);
        SendRaw(length, time);
        return true;
    }

    /// <summary>Copies the oldest received payload into <paramref name="destination"/> (1200 bytes always fit).</summary>
    public bool TryReceivePayload(Span<byte> destination, out int length) => _received.TryDequeue(destination, out length);

    /// <summary>Leaves: when connected, sends the standard's redundant disconnect packets (10), then state 0.</summary>
    public void Disconnect(double time)
    {
        if (State == NetcodeClientState.Connected)
        {
            for (var i = 0; i < 10; i++)
            {
                var length = NetcodePacketWriter.WriteDisconnect(_sendBuffer, _sequence++, _token.ProtocolId, _sendKey!);
                SendRaw(length, time);
            }
        }

        Fail(NetcodeClientState.Disconnected);
    }

    public void Dispose() => Fail(State <= NetcodeClientState.Disconnected ? State : NetcodeClientState.Disconnected);

    private void StartServer(int index, double time)
    {
        ResetConnection();
        _serverIndex = index;
        ServerAddress = _token.ServerAddresses[index];
        _sendKey = NetcodeKeys.ImportPacketKey(_token.ClientToServerKey);
        _readKey = NetcodeKeys.ImportPacketKey(_token.ServerToClientKey);
        State = NetcodeClientState.SendingConnectionRequest;
        _lastReceiveTime = time;
        _lastSendTime = double.NegativeInfinity;
    }

    private void Fail(NetcodeClientState state)
    {
        ResetConnection();
        State = state;
    }

    private void ResetConnection()
    {
        _sendKey?.Dispose();
        _readKey?.Dispose();
        _sendKey = null;
        _readKey = null;
        _sequence = 0;
        _replay.Reset();
        _received.Clear();
        _pendingError = NetcodeClientState.Disconnected;
        ClientIndex = 0;
        MaxClients = 0;
    }

    private void SendRaw(int length, double time)
    {
        _transport.Send(_sendBuffer.AsSpan(0, length), ServerAddress);
        _lastSendTime = time;
    }

    /// <summary>A bounded ring of preallocated payload buffers; the oldest are kept, newer ones dropped when full.</summary>
    private sealed class PayloadQueue(int capacity)
    {
        private readonly byte[][] _buffers = CreateBuffers(capacity);
        private readonly int[] _lengths = new int[Math.Max(1, capacity)];
        private int _head;
        private int _count;

        public long Dropped { get; private set; }

        public void Enqueue(ReadOnlySpan<byte> payload)
        {
            if (_count == _buffers.Length)
            {
                Dropped++;
                return;
            }

            var tail = (_head + _count) % _buffers.Length;
            payload.CopyTo(_buffers[tail]);
            _lengths[tail] = payload.Length;
            _count++;
        }

        public bool TryDequeue(Span<byte> destination, out int length)
        {
            if (_count == 0)
            {
                length = 0;
                return false;
            }

            length = _lengths[_head];
            _buffers[_head].AsSpan(0, length).CopyTo(destination);
            _head = (_head + 1) % _buffers.Length;
            _count--;
            return true;
        }

        public void Clear()
        {
            _head = 0;
            _count = 0;
        }

        private static byte[][] CreateBuffers(int capacity)
        {
            var buffers = new byte[Math.Max(1, capacity)][];
            for (var i = 0; i < buffers.Length; i++)
            {
                buffers[i] = new byte[NetcodeConstants.MaxPayloadBytes];
            }

            return buffers;
        }
    }
}
