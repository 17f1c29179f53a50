using Tanks.Gateway.Udp.Payloads;
using Tanks.Protocol.Netcode;

namespace Tanks.Gateway.Udp;

/// <summary>Log lines of the UDP gateway. Per-packet and per-handshake lines are Debug only; none carries a key or token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "UDP netcode 1.02 listening on {Endpoint} ({Sockets} socket(s)), server address {ServerAddress}, {MaxClients} slots, payload mode {PayloadMode}")]
    public static partial void Listening(ILogger logger, string endpoint, int sockets, string serverAddress, int maxClients, PayloadMode payloadMode);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "{Key} is not configured: using a random key for this process only; tokens from Gateway.Tcp will not open here unless both get the same key")]
    public static partial void GeneratedKey(ILogger logger, string key);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "SO_REUSEPORT is not available ({Error}); using one socket")]
    public static partial void NoReusePort(ILogger logger, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "UDP gateway stopping: disconnecting {Clients} client(s)")]
    public static partial void Stopping(ILogger logger, int clients);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Client {ClientId} connected from {Address} in slot {Index}")]
    public static partial void Connected(ILogger logger, ulong clientId, NetcodeAddress address, int index);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "Client {ClientId} at {Address} disconnected: {Reason}")]
    public static partial void Disconnected(ILogger logger, ulong clientId, NetcodeAddress address, UdpDisconnectReason reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "Handshake packet from {Address} ignored: {Reason}")]
    public static partial void HandshakeIgnored(ILogger logger, NetcodeAddress address, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "Connection denied to {Address}: server full")]
    public static partial void Denied(ILogger logger, NetcodeAddress address);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Unexpected error handling a datagram; the receive loop goes on")]
    public static partial void PacketFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "Unexpected error in the logic loop; it goes on")]
    public static partial void TickFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "Receive loop {Index} stopped by an unexpected socket error")]
    public static partial void ReceiveLoopFailed(ILogger logger, Exception exception, int index);
}
