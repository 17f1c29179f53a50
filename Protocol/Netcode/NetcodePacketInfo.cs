namespace Tanks.Protocol.Netcode;

/// <summary>
/// What <see cref="NetcodePacketReader.TryRead"/> learned about a packet. The body itself is in the caller's
/// plaintext buffer, <see cref="BodyLength"/> bytes from its start. Fields that do not apply to the type are zero.
/// </summary>
public readonly struct NetcodePacketInfo
{
    /// <summary>Packet type from the prefix byte (valid once the type check has passed).</summary>
    public NetcodePacketType Type { get; init; }

    /// <summary>Packet sequence (encrypted packets; zero for a connection request).</summary>
    public ulong Sequence { get; init; }

    /// <summary>Decrypted body bytes in the plaintext buffer: payload bytes, 8 for keep-alive, 308 for
    /// challenge/response, 0 for denied/disconnect, 1008 (the private connect token plaintext) for a request.</summary>
    public int BodyLength { get; init; }

    /// <summary>Keep-alive: the client's slot index.</summary>
    public uint ClientIndex { get; init; }

    /// <summary>Keep-alive: the server's max clients.</summary>
    public uint MaxClients { get; init; }

    /// <summary>Challenge/response: the challenge token sequence (the sealed token follows it at body offset 8).</summary>
    public ulong ChallengeTokenSequence { get; init; }

    /// <summary>Connection request: the connect token expire timestamp.</summary>
    public ulong ConnectTokenExpireTimestamp { get; init; }
}
