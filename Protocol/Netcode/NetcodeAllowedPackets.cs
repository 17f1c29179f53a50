namespace Tanks.Protocol.Netcode;

/// <summary>The packet types a reader accepts: one bit per <see cref="NetcodePacketType"/>.</summary>
[Flags]
public enum NetcodeAllowedPackets
{
    /// <summary>Accepts nothing.</summary>
    None = 0,

    /// <summary>Type 0.</summary>
    ConnectionRequest = 1 << 0,

    /// <summary>Type 1.</summary>
    ConnectionDenied = 1 << 1,

    /// <summary>Type 2.</summary>
    ConnectionChallenge = 1 << 2,

    /// <summary>Type 3.</summary>
    ConnectionResponse = 1 << 3,

    /// <summary>Type 4.</summary>
    KeepAlive = 1 << 4,

    /// <summary>Type 5.</summary>
    Payload = 1 << 5,

    /// <summary>Type 6.</summary>
    Disconnect = 1 << 6,

    /// <summary>What a server reads: 0, 3, 4, 5, 6 (never a challenge or denied).</summary>
    Server = ConnectionRequest | ConnectionResponse | KeepAlive | Payload | Disconnect,

    /// <summary>What a client reads: 1, 2, 4, 5, 6 (never a request or response).</summary>
    Client = ConnectionDenied | ConnectionChallenge | KeepAlive | Payload | Disconnect,
}
