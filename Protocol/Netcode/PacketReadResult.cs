namespace Tanks.Protocol.Netcode;

/// <summary>The verdict of <see cref="NetcodePacketReader.TryRead"/>; every value but <see cref="Ok"/> means "ignore the packet".</summary>
public enum PacketReadResult
{
    /// <summary>Authentic and well formed; the body is in the plaintext buffer.</summary>
    Ok = 0,

    /// <summary>Longer than <see cref="NetcodeConstants.MaxPacketBytes"/> (the reference's receive buffer would have cut it).</summary>
    TooLarge,

    /// <summary>Empty, an encrypted packet under 18 bytes, or shorter than prefix + sequence bytes + MAC.</summary>
    TooSmall,

    /// <summary>Low nibble of the prefix byte is 7 or more.</summary>
    InvalidPacketType,

    /// <summary>A valid type that this side never accepts.</summary>
    PacketTypeNotAllowed,

    /// <summary>High nibble of the prefix byte (sequence byte count) is 0 or more than 8.</summary>
    InvalidSequenceBytes,

    /// <summary>Prefix type 0 with a non-zero sequence nibble: a request is never encrypted (the reference fails it at decryption).</summary>
    InvalidPrefix,

    /// <summary>Encrypted packet but no read key was supplied (no encryption mapping for the sender).</summary>
    NoReadKey,

    /// <summary>The replay window reports the sequence as received or too old (types 4, 5, 6; checked before decryption).</summary>
    ReplayRejected,

    /// <summary>ChaCha20-Poly1305 authentication of the body failed.</summary>
    DecryptFailed,

    /// <summary>Authentic body with the wrong size for its type (the replay window has still advanced, as in the reference).</summary>
    BadBodySize,

    /// <summary>Connection request not exactly 1078 bytes.</summary>
    RequestBadLength,

    /// <summary>Connection request but no connect token (private) key was supplied.</summary>
    RequestNoPrivateKey,

    /// <summary>Connection request whose version info is not "NETCODE 1.02\0".</summary>
    RequestBadVersion,

    /// <summary>Connection request for another protocol id.</summary>
    RequestWrongProtocolId,

    /// <summary>Connection request whose token expire timestamp is &lt;= now.</summary>
    RequestTokenExpired,

    /// <summary>Connection request whose private connect token fails XChaCha20-Poly1305 authentication.</summary>
    RequestTokenDecryptFailed,
}
