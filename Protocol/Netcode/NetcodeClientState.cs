namespace Tanks.Protocol.Netcode;

/// <summary>The client states of STANDARD.md, with its values; negative values are errors.</summary>
public enum NetcodeClientState
{
    /// <summary>The connection process outlived the token (expire − create seconds).</summary>
    ConnectTokenExpired = -6,

    /// <summary>The token failed the client's checks (address count, address type, create &gt; expire).</summary>
    InvalidConnectToken = -5,

    /// <summary>No packet from the server for the token's timeout while connected.</summary>
    ConnectionTimedOut = -4,

    /// <summary>No keep-alive or denied within the timeout while sending responses.</summary>
    ConnectionResponseTimedOut = -3,

    /// <summary>No challenge or denied within the timeout while sending requests.</summary>
    ConnectionRequestTimedOut = -2,

    /// <summary>The server answered with a connection denied packet.</summary>
    ConnectionDenied = -1,

    /// <summary>The initial state.</summary>
    Disconnected = 0,

    /// <summary>Sending connection requests (10 Hz).</summary>
    SendingConnectionRequest = 1,

    /// <summary>Sending connection responses (10 Hz).</summary>
    SendingConnectionResponse = 2,

    /// <summary>Connected: the goal state.</summary>
    Connected = 3,
}
