namespace Tanks.Protocol.Netcode;

/// <summary>The low nibble of the prefix byte.</summary>
public enum NetcodePacketType : byte
{
    /// <summary>Client to server, unencrypted, 1078 bytes.</summary>
    ConnectionRequest = 0,

    /// <summary>Server to client, empty body.</summary>
    ConnectionDenied = 1,

    /// <summary>Server to client, challenge token sequence + sealed challenge token.</summary>
    ConnectionChallenge = 2,

    /// <summary>Client to server, the challenge echoed.</summary>
    ConnectionResponse = 3,

    /// <summary>Both ways, client index + max clients.</summary>
    KeepAlive = 4,

    /// <summary>Both ways, 1..1200 bytes of application data.</summary>
    Payload = 5,

    /// <summary>Both ways, empty body.</summary>
    Disconnect = 6,
}
