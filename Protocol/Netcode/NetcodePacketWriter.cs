using System.Buffers.Binary;
using NSec.Cryptography;

namespace Tanks.Protocol.Netcode;

/// <summary>
/// Writes netcode 1.02 packets into a caller's buffer and returns the bytes written. Encrypted packets are
/// [prefix][sequence 1..8 LE][ChaCha20-Poly1305(body)][MAC 16] with AD = version | protocol id | prefix and
/// nonce = 0000 | sequence u64 LE. The key is the sender's: client-to-server for a client, server-to-client
/// for a server. Nothing here allocates. Bad arguments (short buffer, payload size) throw: they are bugs of the
/// caller, never of the peer.
/// </summary>
public static class NetcodePacketWriter
{
    /// <summary>Connection request (type 0, never encrypted), exactly 1078 bytes.</summary>
    public static int WriteConnectionRequest(
        Span<byte> dest,
        ulong protocolId,
        ulong connectTokenExpireTimestamp,
        ReadOnlySpan<byte> connectTokenNonce,
        ReadOnlySpan<byte> sealedPrivateConnectToken)
    {
        RequireLength(connectTokenNonce, NetcodeConstants.ConnectTokenNonceBytes, nameof(connectTokenNonce));
        RequireLength(sealedPrivateConnectToken, NetcodeConstants.ConnectTokenPrivateBytes, nameof(sealedPrivateConnectToken));
        RequireCapacity(dest, NetcodeConstants.ConnectionRequestBytes);

        dest[0] = (byte)NetcodePacketType.ConnectionRequest;
        NetcodeConstants.VersionInfo.CopyTo(dest[1..]);
        BinaryPrimitives.WriteUInt64LittleEndian(dest[NetcodeConstants.RequestProtocolIdOffset..], protocolId);
        BinaryPrimitives.WriteUInt64LittleEndian(dest[NetcodeConstants.RequestExpireTimestampOffset..], connectTokenExpireTimestamp);
        connectTokenNonce.CopyTo(dest[NetcodeConstants.RequestNonceOffset..]);
        sealedPrivateConnectToken.CopyTo(dest[NetcodeConstants.RequestPrivateTokenOffset..]);
        return NetcodeConstants.ConnectionRequestBytes;
    }

    /// <summary>Connection request built from a public connect token (2048 bytes) as the client received it.</summary>
    public static int WriteConnectionRequest(Span<byte> dest, ReadOnlySpan<byte> connectToken)
    {
        RequireLength(connectToken, NetcodeConstants.ConnectTokenBytes, nameof(connectToken));
        return WriteConnectionRequest(
            dest,
            BinaryPrimitives.ReadUInt64LittleEndian(connectToken[NetcodeConstants.TokenProtocolIdOffset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(connectToken[NetcodeConstants.TokenExpireTimestampOffset..]),
            connectToken.Slice(NetcodeConstants.TokenNonceOffset, NetcodeConstants.ConnectTokenNonceBytes),
            connectToken.Slice(NetcodeConstants.TokenPrivateOffset, NetcodeConstants.ConnectTokenPrivateBytes));
    }

    /// <summary>Connection denied (type 1), empty body; server to client.</summary>
    public static int WriteConnectionDenied(Span<byte> dest, ulong sequence, ulong protocolId, Key key) =>
        WriteEncrypted(dest, NetcodePacketType.ConnectionDenied, sequence, ReadOnlySpan<byte>.Empty, protocolId, key);

    /// <summary>Connection challenge (type 2): challenge token sequence + the 300-byte sealed challenge token.</summary>
    public static int WriteConnectionChallenge(
        Span<byte> dest, ulong sequence, ulong challengeTokenSequence, ReadOnlySpan<byte> sealedChallengeToken, ulong protocolId, Key key) =>
        WriteChallengeBody(dest, NetcodePacketType.ConnectionChallenge, sequence, challengeTokenSequence, sealedChallengeToken, protocolId, key);

    /// <summary>Connection response (type 3): the challenge echoed by the client.</summary>
    public static int WriteConnectionResponse(
        Span<byte> dest, ulong sequence, ulong challengeTokenSequence, ReadOnlySpan<byte> sealedChallengeToken, ulong protocolId, Key key) =>
        WriteChallengeBody(dest, NetcodePacketType.ConnectionResponse, sequence, challengeTokenSequence, sealedChallengeToken, protocolId, key);

    /// <summary>Keep-alive (type 4): client index + max clients (a client sends 0, 0).</summary>
    public static int WriteKeepAlive(Span<byte> dest, ulong sequence, uint clientIndex, uint maxClients, ulong protocolId, Key key)
    {
        Span<byte> body = stackalloc byte[NetcodeConstants.KeepAliveBodyBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(body, clientIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(body[4..], maxClients);
        return WriteEncrypted(dest, NetcodePacketType.KeepAlive, sequence, body, protocolId, key);
    }

    /// <summary>Payload (type 5): 1..1200 bytes of application data.</summary>
    public static int WritePayload(Span<byte> dest, ulong sequence, ReadOnlySpan<byte> payload, ulong protocolId, Key key)
    {
        if (payload.Length is < 1 or > NetcodeConstants.MaxPayloadBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, "A netcode payload is 1..1200 bytes.");
        }

        return WriteEncrypted(dest, NetcodePacketType.Payload, sequence, payload, protocolId, key);
    }

    /// <summary>Disconnect (type 6), empty body. The reference sends ten of them, each with its own sequence.</summary>
    public static int WriteDisconnect(Span<byte> dest, ulong sequence, ulong protocolId, Key key) =>
        WriteEncrypted(dest, NetcodePacketType.Disconnect, sequence, ReadOnlySpan<byte>.Empty, protocolId, key);

    /// <summary>Bytes an encrypted packet of this sequence and body length takes on the wire.</summary>
    public static int EncryptedPacketBytes(ulong sequence, int bodyLength) =>
        1 + NetcodeSequence.BytesRequired(sequence) + bodyLength + NetcodeConstants.MacBytes;

    /// <summary>
    /// Any encrypted type with any body, with no per-type size check. Exposed to tests to build the
    /// malformed-but-authentic packets of the conformance vectors.
    /// </summary>
    internal static int WriteEncrypted(
        Span<byte> dest, NetcodePacketType type, ulong sequence, ReadOnlySpan<byte> body, ulong protocolId, Key key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (type is NetcodePacketType.ConnectionRequest or > NetcodePacketType.Disconnect)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Only types 1..6 are encrypted.");
        }

        var sequenceBytes = NetcodeSequence.BytesRequired(sequence);
        var header = 1 + sequenceBytes;
        var total = header + body.Length + NetcodeConstants.MacBytes;
        RequireCapacity(dest, total);

        var prefix = (byte)((sequenceBytes << 4) | (int)type);
        dest[0] = prefix;
        NetcodeSequence.Write(dest[1..], sequence, sequenceBytes);

        Span<byte> ad = stackalloc byte[NetcodeConstants.PacketAssociatedDataBytes];
        NetcodeAead.WritePacketAssociatedData(ad, protocolId, prefix);
        Span<byte> nonce = stackalloc byte[NetcodeConstants.PacketNonceBytes];
        NetcodeAead.WriteNonce(nonce, sequence);

        AeadAlgorithm.ChaCha20Poly1305.Encrypt(key, nonce, ad, body, dest.Slice(header, body.Length + NetcodeConstants.MacBytes));
        return total;
    }

    private static int WriteChallengeBody(
        Span<byte> dest,
        NetcodePacketType type,
        ulong sequence,
        ulong challengeTokenSequence,
        ReadOnlySpan<byte> sealedChallengeToken,
        ulong protocolId,
        Key key)
    {
        RequireLength(sealedChallengeToken, NetcodeConstants.ChallengeTokenBytes, nameof(sealedChallengeToken));
        Span<byte> body = stackalloc byte[NetcodeConstants.ChallengeBodyBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(body, challengeTokenSequence);
        sealedChallengeToken.CopyTo(body[8..]);
        return WriteEncrypted(dest, type, sequence, body, protocolId, key);
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int length, string paramName)
    {
        if (value.Length != length)
        {
            throw new ArgumentException($"Expected exactly {length} bytes, got {value.Length}.", paramName);
        }
    }

    private static void RequireCapacity(Span<byte> dest, int length)
    {
        if (dest.Length < length)
        {
            throw new ArgumentException($"The packet needs {length} bytes; the buffer has {dest.Length}.", nameof(dest));
        }
    }
}
