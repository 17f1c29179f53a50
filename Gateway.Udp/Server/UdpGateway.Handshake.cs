using System.Diagnostics;
using System.Net;
using Tanks.Protocol.Netcode;

namespace Tanks.Gateway.Udp.Server;

internal sealed partial class UdpGateway
{
    /// <summary>
    /// Connection request (STANDARD.md "Processing connection requests"): packet checks and token decryption
    /// outside any lock, then under the handshake lock: own address in the token, address and client id not
    /// connected, token MAC not used from another address, capacity (denied) — then a challenge.
    /// </summary>
    private void HandleRequest(ReceiveContext context, ReadOnlySpan<byte> packet, NetcodeAddress from)
    {
        var unixNow = UnixNow;
        var result = NetcodePacketReader.TryRead(
            packet, context.Plaintext, _protocolId, NetcodeAllowedPackets.ConnectionRequest, null, null, _privateKey, unixNow, out var info);
        if (result != PacketReadResult.Ok)
        {
            _metrics.InInvalid(packet.Length);
            _metrics.Handshake(result switch
            {
                PacketReadResult.RequestTokenExpired => HandshakeOutcome.Expired,
                PacketReadResult.RequestBadVersion or PacketReadResult.RequestWrongProtocolId or PacketReadResult.RequestTokenDecryptFailed
                    => HandshakeOutcome.BadToken,
                _ => HandshakeOutcome.BadPacket,
            });
            return;
        }

        var token = context.Token;
        if (NetcodeConnectTokenPrivate.TryRead(context.Plaintext, token) != TokenReadResult.Ok || !token.ContainsServerAddress(ServerAddress))
        {
            _metrics.InInvalid(packet.Length);
            _metrics.Handshake(HandshakeOutcome.BadToken);
            Log.HandshakeIgnored(_logger, from, "token does not name this server");
            return;
        }

        _metrics.In(NetcodePacketType.ConnectionRequest, packet.Length);
        var mac = packet[^NetcodeConstants.MacBytes..];
        var now = Stopwatch.GetTimestamp();
        lock (_handshakeLock)
        {
            if (_connected.ContainsKey(from) || _byClientId.ContainsKey(token.ClientId))
            {
                _metrics.Handshake(HandshakeOutcome.Replay);
                Log.HandshakeIgnored(_logger, from, "address or client id already connected");
                return;
            }

            if (!_tokenHistory.TryUse(mac, from, info.ConnectTokenExpireTimestamp))
            {
                _metrics.Handshake(HandshakeOutcome.Replay);
                Log.HandshakeIgnored(_logger, from, "token already used from another address");
                return;
            }

            var buffer = SendBuffer;
            if (_connectedCount >= _maxClients)
            {
                using var denyKey = NetcodeKeys.ImportPacketKey(token.ServerToClientKey);
                var deniedLength = NetcodePacketWriter.WriteConnectionDenied(buffer, _globalSequence++, _protocolId, denyKey);
                Reply(context, packet.Length, buffer.AsSpan(0, deniedLength), NetcodePacketType.ConnectionDenied);
                _metrics.Handshake(HandshakeOutcome.Denied);
                Log.Denied(_logger, from);
                return;
            }

            if (!_pending.TryGetValue(from, out var pending) || !pending.ReadKeyBytes.AsSpan().SequenceEqual(token.ClientToServerKey))
            {
                if (pending is null && _pending.Count >= _options.MaxPendingConnections)
                {
                    Log.HandshakeIgnored(_logger, from, "too many pending connections");
                    return;
                }

                pending?.Dispose();
                var timeout = token.TimeoutSeconds > 0 ? token.TimeoutSeconds : 30;
                pending = new PendingConnection
                {
                    ReadKey = NetcodeKeys.ImportPacketKey(token.ClientToServerKey),
                    SendKey = NetcodeKeys.ImportPacketKey(token.ServerToClientKey),
                    ReadKeyBytes = token.ClientToServerKey.ToArray(),
                    TimeoutSeconds = token.TimeoutSeconds,
                    ExpireTicks = now + (Stopwatch.Frequency * timeout),
                };
                _pending[from] = pending;
            }

            pending.LastAccessTicks = now;
            var challengeSequence = _challengeSequence++;
            NetcodeChallengeToken.WriteSealed(context.ChallengeToken, token.ClientId, token.UserData, challengeSequence, _challengeKey);
            var length = NetcodePacketWriter.WriteConnectionChallenge(
                buffer, _globalSequence++, challengeSequence, context.ChallengeToken, _protocolId, pending.SendKey);
            Reply(context, packet.Length, buffer.AsSpan(0, length), NetcodePacketType.ConnectionChallenge);
        }
    }

    /// <summary>
    /// Any encrypted packet from an address that is not connected: only a connection response from an address
    /// with a pending mapping can be valid. Then the challenge token must open, the client id and address must not
    /// be connected, and a slot must be free (else denied). The new client gets a keep-alive at once.
    /// </summary>
    private void HandleResponse(ReceiveContext context, ReadOnlySpan<byte> packet, NetcodeAddress from)
    {
        if ((packet[0] & 0xF) != (int)NetcodePacketType.ConnectionResponse)
        {
            _metrics.InInvalid(packet.Length); // no encryption mapping for this address: nothing can be read
            return;
        }

        lock (_handshakeLock)
        {
            if (!_pending.TryGetValue(from, out var pending))
            {
                _metrics.InInvalid(packet.Length);
                return;
            }

            var result = NetcodePacketReader.TryRead(
                packet, context.Plaintext, _protocolId, NetcodeAllowedPackets.ConnectionResponse, pending.ReadKey, null, null, 0, out var info);
            if (result != PacketReadResult.Ok)
            {
                _metrics.InInvalid(packet.Length);
                _metrics.Handshake(HandshakeOutcome.BadPacket);
                return;
            }

            var sealedChallenge = context.Plaintext.AsSpan(8, NetcodeConstants.ChallengeTokenBytes);
            if (!NetcodeChallengeToken.TryOpen(sealedChallenge, context.ChallengePlaintext, info.ChallengeTokenSequence, _challengeKey))
            {
                _metrics.InInvalid(packet.Length);
                _metrics.Handshake(HandshakeOutcome.BadToken);
                return;
            }

            _metrics.In(NetcodePacketType.ConnectionResponse, packet.Length);
            var now = Stopwatch.GetTimestamp();
            pending.LastAccessTicks = now;
            var clientId = NetcodeChallengeToken.ReadClientId(context.ChallengePlaintext);
            if (_connected.ContainsKey(from) || _byClientId.ContainsKey(clientId))
            {
                _metrics.Handshake(HandshakeOutcome.Replay);
                Log.HandshakeIgnored(_logger, from, "address or client id already connected");
                return;
            }

            var buffer = SendBuffer;
            if (_connectedCount >= _maxClients)
            {
                var deniedLength = NetcodePacketWriter.WriteConnectionDenied(buffer, _globalSequence++, _protocolId, pending.SendKey);
                Reply(context, packet.Length, buffer.AsSpan(0, deniedLength), NetcodePacketType.ConnectionDenied);
                _metrics.Handshake(HandshakeOutcome.Denied);
                Log.Denied(_logger, from);
                return;
            }

            var index = _freedSlots.Count > 0 ? _freedSlots.Pop() : _slotsEverUsed++;
            var slot = _slots[index] ??= new ClientSlot(index);
            Volatile.Write(ref _slots[index], slot);
            lock (slot)
            {
                slot.Active = true;
                slot.Confirmed = false;
                slot.ClientId = clientId;
                slot.Address = from;
                slot.SocketAddress = Copy(context.From);
                slot.SocketIndex = context.SocketIndex;
                slot.ReadKey = pending.ReadKey;
                slot.SendKey = pending.SendKey;
                slot.Sequence = 0;
                slot.LastReceiveTicks = now;
                slot.TimeoutTicks = pending.TimeoutSeconds > 0 ? Stopwatch.Frequency * pending.TimeoutSeconds : 0;
                pending.KeysMoved = true;
                _pending.Remove(from);
                _connected[from] = slot;
                _byClientId[clientId] = slot;
                _metrics.SetConnected(++_connectedCount);
                SendKeepAlive(slot);
            }

            _metrics.Handshake(HandshakeOutcome.Accepted);
            Log.Connected(_logger, clientId, from, index);
            _handler.OnConnected(slot.Connection, NetcodeChallengeToken.ReadUserData(context.ChallengePlaintext));
        }
    }

    /// <summary>Sends a handshake answer, never more bytes than the packet it answers (the standard's anti-amplification rule).</summary>
    private void Reply(ReceiveContext context, int requestLength, ReadOnlySpan<byte> reply, NetcodePacketType type)
    {
        if (reply.Length <= requestLength)
        {
            Send(context.SocketIndex, context.From, reply, type);
        }
    }

    private static SocketAddress Copy(SocketAddress source)
    {
        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }
}
