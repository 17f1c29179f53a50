namespace Tanks.Protocol.Netcode;

/// <summary>Sizes, offsets and limits of netcode 1.02 (STANDARD.md of mas-bandwidth/netcode).</summary>
public static class NetcodeConstants
{
    /// <summary>Version info: "NETCODE 1.02" plus a terminating zero byte.</summary>
    public static ReadOnlySpan<byte> VersionInfo => "NETCODE 1.02\0"u8;

    /// <summary>Length of <see cref="VersionInfo"/>, 13 bytes.</summary>
    public const int VersionInfoBytes = 13;

    /// <summary>A public connect token as the client receives it, zero padded.</summary>
    public const int ConnectTokenBytes = 2048;

    /// <summary>The private connect token (plaintext buffer and sealed form have the same size).</summary>
    public const int ConnectTokenPrivateBytes = 1024;

    /// <summary>Bytes of the private connect token that are encrypted (the MAC fills the last 16).</summary>
    public const int ConnectTokenPrivatePlaintextBytes = ConnectTokenPrivateBytes - MacBytes;

    /// <summary>The random XChaCha20 nonce stored in the public token and in the connection request.</summary>
    public const int ConnectTokenNonceBytes = 24;

    /// <summary>The challenge token (sealed form includes the MAC).</summary>
    public const int ChallengeTokenBytes = 300;

    /// <summary>Bytes of the challenge token that are encrypted (the MAC fills the last 16).</summary>
    public const int ChallengeTokenPlaintextBytes = ChallengeTokenBytes - MacBytes;

    /// <summary>Application user data carried in the private connect token and the challenge token.</summary>
    public const int UserDataBytes = 256;

    /// <summary>Every key (private key, client-to-server, server-to-client, challenge key).</summary>
    public const int KeyBytes = 32;

    /// <summary>Poly1305 authentication tag.</summary>
    public const int MacBytes = 16;

    /// <summary>Nonce of ChaCha20-Poly1305 IETF: 4 zero bytes + sequence u64 LE.</summary>
    public const int PacketNonceBytes = 12;

    /// <summary>Associated data of an encrypted packet: version info, protocol id, prefix byte.</summary>
    public const int PacketAssociatedDataBytes = VersionInfoBytes + 8 + 1;

    /// <summary>Associated data of the private connect token: version info, protocol id, expire timestamp.</summary>
    public const int ConnectTokenAssociatedDataBytes = VersionInfoBytes + 8 + 8;

    /// <summary>A token lists between 1 and this many server addresses.</summary>
    public const int MaxServersPerConnect = 32;

    /// <summary>Encoded IPv4 address: type, 4 octets, port.</summary>
    public const int AddressIPv4Bytes = 1 + 4 + 2;

    /// <summary>Encoded IPv6 address: type, 8 u16 groups, port.</summary>
    public const int AddressIPv6Bytes = 1 + 16 + 2;

    /// <summary>Largest payload of a payload packet.</summary>
    public const int MaxPayloadBytes = 1200;

    /// <summary>Largest datagram the reference receives (its socket buffer size).</summary>
    public const int MaxPacketBytes = 1300;

    /// <summary>Smallest encrypted packet: prefix, one sequence byte, MAC.</summary>
    public const int MinEncryptedPacketBytes = 1 + 1 + MacBytes;

    /// <summary>Largest decrypted body a packet of <see cref="MaxPacketBytes"/> can carry; the reader's plaintext buffer must hold this much.</summary>
    public const int MaxPacketBodyBytes = MaxPacketBytes - MinEncryptedPacketBytes;

    /// <summary>Largest encrypted packet header: prefix byte and 8 sequence bytes.</summary>
    public const int MaxPacketHeaderBytes = 1 + 8;

    /// <summary>Connection request: prefix 0, version, protocol id, expire timestamp, nonce, sealed private token.</summary>
    public const int ConnectionRequestBytes = 1 + VersionInfoBytes + 8 + 8 + ConnectTokenNonceBytes + ConnectTokenPrivateBytes;

    /// <summary>Offset of the protocol id inside a connection request.</summary>
    public const int RequestProtocolIdOffset = 1 + VersionInfoBytes;

    /// <summary>Offset of the connect token expire timestamp inside a connection request.</summary>
    public const int RequestExpireTimestampOffset = RequestProtocolIdOffset + 8;

    /// <summary>Offset of the 24-byte connect token nonce inside a connection request.</summary>
    public const int RequestNonceOffset = RequestExpireTimestampOffset + 8;

    /// <summary>Offset of the sealed private connect token inside a connection request (its MAC is the packet's last 16 bytes).</summary>
    public const int RequestPrivateTokenOffset = RequestNonceOffset + ConnectTokenNonceBytes;

    /// <summary>Body of a challenge or response packet: challenge token sequence u64 + sealed challenge token.</summary>
    public const int ChallengeBodyBytes = 8 + ChallengeTokenBytes;

    /// <summary>Body of a keep-alive packet: client index u32 + max clients u32.</summary>
    public const int KeepAliveBodyBytes = 8;

    /// <summary>Replay protection window, entries per connection.</summary>
    public const int ReplayProtectionBufferSize = 256;

    /// <summary>Most client slots the reference server supports.</summary>
    public const int MaxClients = 256;

    /// <summary>Offset of the protocol id inside a public connect token.</summary>
    public const int TokenProtocolIdOffset = VersionInfoBytes;

    /// <summary>Offset of the create timestamp inside a public connect token.</summary>
    public const int TokenCreateTimestampOffset = TokenProtocolIdOffset + 8;

    /// <summary>Offset of the expire timestamp inside a public connect token.</summary>
    public const int TokenExpireTimestampOffset = TokenCreateTimestampOffset + 8;

    /// <summary>Offset of the connect token nonce inside a public connect token.</summary>
    public const int TokenNonceOffset = TokenExpireTimestampOffset + 8;

    /// <summary>Offset of the sealed private token inside a public connect token.</summary>
    public const int TokenPrivateOffset = TokenNonceOffset + ConnectTokenNonceBytes;

    /// <summary>Offset of the timeout seconds inside a public connect token (after the private part).</summary>
    public const int TokenTimeoutOffset = TokenPrivateOffset + ConnectTokenPrivateBytes;

    /// <summary>The reference server's first global (challenge/denied) sequence, 1 &lt;&lt; 63, disjoint from per-client sequences.</summary>
    public const ulong ServerGlobalSequenceStart = 1UL << 63;

    /// <summary>Expire timestamp of a token that never expires (expire seconds &lt; 0).</summary>
    public const ulong NeverExpires = ulong.MaxValue;
}
