using System.Buffers.Binary;
using NSec.Cryptography;

namespace Tanks.Protocol.Netcode;

/// <summary>
/// Reads and authenticates one received datagram, in the reference reader's order (README.md of this folder),
/// and returns a verdict instead of throwing. Nothing here allocates.
/// </summary>
public static class NetcodePacketReader
{
    /// <summary>
    /// Validates, decrypts and classifies <paramref name="packet"/>.
    /// </summary>
    /// <param name="packet">The datagram as received.</param>
    /// <param name="plaintextDest">Receives the decrypted body (for a request: the 1008-byte private connect token
    /// plaintext). Must hold at least <see cref="NetcodeConstants.MaxPacketBodyBytes"/> bytes, whatever the packet.</param>
    /// <param name="protocolId">This application's protocol id.</param>
    /// <param name="allowed">The types this side accepts (<see cref="NetcodeAllowedPackets.Server"/> or <see cref="NetcodeAllowedPackets.Client"/>).</param>
    /// <param name="readKey">The peer's sending key (a server's client-to-server key for that address, a client's
    /// server-to-client key), or null when there is none yet: encrypted packets are then ignored.</param>
    /// <param name="replayProtection">The connection's window, applied to types 4, 5 and 6; null to skip.</param>
    /// <param name="connectTokenKey">Server only: the XChaCha20-Poly1305 private key that opens connection requests.</param>
    /// <param name="currentTimestamp">Unix seconds now, for the request's expiry check.</param>
    /// <param name="info">Type, sequence, body length and the decoded small fields.</param>
    public static PacketReadResult TryRead(
        ReadOnlySpan<byte> packet,
        Span<byte> plaintextDest,
        ulong protocolId,
        NetcodeAllowedPackets allowed,
        Key? readKey,
        ReplayProtection? replayProtection,
        Key? connectTokenKey,
        ulong currentTimestamp,
        out NetcodePacketInfo info)
    {
        if (plaintextDest.Length < NetcodeConstants.MaxPacketBodyBytes)
        {
            throw new ArgumentException(
                $"The plaintext buffer must hold {NetcodeConstants.MaxPacketBodyBytes} bytes.", nameof(plaintextDest));
        }

        info = default;
        if (packet.Length > NetcodeConstants.MaxPacketBytes)
        {
            return PacketReadResult.TooLarge;
        }

        if (packet.IsEmpty)
        {
            return PacketReadResult.TooSmall;
        }

        var prefix = packet[0];
        return prefix == 0
            ? ReadRequest(packet, plaintextDest, protocolId, allowed, connectTokenKey, currentTimestamp, out info)
            : ReadEncrypted(packet, plaintextDest, protocolId, allowed, readKey, replayProtection, prefix, out info);
    }

    private static PacketReadResult ReadRequest(
        ReadOnlySpan<byte> packet,
        Span<byte> plaintextDest,
        ulong protocolId,
        NetcodeAllowedPackets allowed,
        Key? connectTokenKey,
        ulong currentTimestamp,
        out NetcodePacketInfo info)
    {
        info = new NetcodePacketInfo { Type = NetcodePacketType.ConnectionRequest };
        if ((allowed & NetcodeAllowedPackets.ConnectionRequest) == 0)
        {
            return PacketReadResult.PacketTypeNotAllowed;
        }

        if (packet.Length != NetcodeConstants.ConnectionRequestBytes)
        {
            return PacketReadResult.RequestBadLength;
        }

        if (connectTokenKey is null)
        {
            return PacketReadResult.RequestNoPrivateKey;
        }

        if (!packet.Slice(1, NetcodeConstants.VersionInfoBytes).SequenceEqual(NetcodeConstants.VersionInfo))
        {
            return PacketReadResult.RequestBadVersion;
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(packet[NetcodeConstants.RequestProtocolIdOffset..]) != protocolId)
        {
            return PacketReadResult.RequestWrongProtocolId;
        }

        var expire = BinaryPrimitives.ReadUInt64LittleEndian(packet[NetcodeConstants.RequestExpireTimestampOffset..]);
        if (expire <= currentTimestamp)
        {
            return PacketReadResult.RequestTokenExpired;
        }

        info = info with { ConnectTokenExpireTimestamp = expire };
        var nonce = packet.Slice(NetcodeConstants.RequestNonceOffset, NetcodeConstants.ConnectTokenNonceBytes);
        var sealedToken = packet.Slice(NetcodeConstants.RequestPrivateTokenOffset, NetcodeConstants.ConnectTokenPrivateBytes);
        if (!NetcodeConnectTokenPrivate.TryOpen(sealedToken, plaintextDest, protocolId, expire, nonce, connectTokenKey))
        {
            return PacketReadResult.RequestTokenDecryptFailed;
        }

        info = info with { BodyLength = NetcodeConstants.ConnectTokenPrivatePlaintextBytes };
        return PacketReadResult.Ok;
    }

    private static PacketReadResult ReadEncrypted(
        ReadOnlySpan<byte> packet,
        Span<byte> plaintextDest,
        ulong protocolId,
        NetcodeAllowedPackets allowed,
        Key? readKey,
        ReplayProtection? replayProtection,
        byte prefix,
        out NetcodePacketInfo info)
    {
        info = default;
        if (readKey is null)
        {
            return PacketReadResult.NoReadKey;
        }

        if (packet.Length < NetcodeConstants.MinEncryptedPacketBytes)
        {
            return PacketReadResult.TooSmall;
        }

        var typeValue = prefix & 0xF;
        if (typeValue > (int)NetcodePacketType.Disconnect)
        {
            return PacketReadResult.InvalidPacketType;
        }

        var type = (NetcodePacketType)typeValue;
        info = new NetcodePacketInfo { Type = type };
        if (((int)allowed & (1 << typeValue)) == 0)
        {
            return PacketReadResult.PacketTypeNotAllowed;
        }

        var sequenceBytes = prefix >> 4;
        if (sequenceBytes is < 1 or > 8)
        {
            return PacketReadResult.InvalidSequenceBytes;
        }

        var header = 1 + sequenceBytes;
        if (packet.Length < header + NetcodeConstants.MacBytes)
        {
            return PacketReadResult.TooSmall;
        }

        if (type == NetcodePacketType.ConnectionRequest)
        {
            // Prefix 0x10..0x80: the reference tries to decrypt it and then drops it as an unknown encrypted type.
            return PacketReadResult.InvalidPrefix;
        }

        var sequence = NetcodeSequence.Read(packet.Slice(1, sequenceBytes));
        info = info with { Sequence = sequence };
        var replayProtected = replayProtection is not null && type >= NetcodePacketType.KeepAlive;
        if (replayProtected && replayProtection!.IsAlreadyReceived(sequence))
        {
            return PacketReadResult.ReplayRejected;
        }

        Span<byte> ad = stackalloc byte[NetcodeConstants.PacketAssociatedDataBytes];
        NetcodeAead.WritePacketAssociatedData(ad, protocolId, prefix);
        Span<byte> nonce = stackalloc byte[NetcodeConstants.PacketNonceBytes];
        NetcodeAead.WriteNonce(nonce, sequence);

        var ciphertext = packet[header..];
        var bodyLength = ciphertext.Length - NetcodeConstants.MacBytes;
        var body = plaintextDest[..bodyLength];
        if (!AeadAlgorithm.ChaCha20Poly1305.Decrypt(readKey, nonce, ad, ciphertext, body))
        {
            return PacketReadResult.DecryptFailed;
        }

        if (replayProtected)
        {
            replayProtection!.Advance(sequence);
        }

        info = info with { BodyLength = bodyLength };
        switch (type)
        {
            case NetcodePacketType.ConnectionDenied:
            case NetcodePacketType.Disconnect:
                return bodyLength == 0 ? PacketReadResult.Ok : PacketReadResult.BadBodySize;

            case NetcodePacketType.ConnectionChallenge:
            case NetcodePacketType.ConnectionResponse:
                if (bodyLength != NetcodeConstants.ChallengeBodyBytes)
                {
                    return PacketReadResult.BadBodySize;
                }

                info = info with { ChallengeTokenSequence = BinaryPrimitives.ReadUInt64LittleEndian(body) };
                return PacketReadResult.Ok;

            case NetcodePacketType.KeepAlive:
                if (bodyLength != NetcodeConstants.KeepAliveBodyBytes)
                {
                    return PacketReadResult.BadBodySize;
                }

                info = info with
                {
                    ClientIndex = BinaryPrimitives.ReadUInt32LittleEndian(body),
                    MaxClients = BinaryPrimitives.ReadUInt32LittleEndian(body[4..]),
                };
                return PacketReadResult.Ok;

            default: // Payload
                return bodyLength is >= 1 and <= NetcodeConstants.MaxPayloadBytes ? PacketReadResult.Ok : PacketReadResult.BadBodySize;
        }
    }
}
