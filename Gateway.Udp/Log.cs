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

    [LoggerMessage(EventId = 63, Level = LogLevel.Warning, Message = "Battle {BattleId}: definition call {Attempt} failed ({Error}); asking again")]
    public static partial void DefinitionRetry(ILogger logger, Guid battleId, int attempt, string error);

    [LoggerMessage(EventId = 64, Level = LogLevel.Debug, Message = "Client {ClientId} speaks game protocol version {Version}: answered ProtocolError")]
    public static partial void WrongVersion(ILogger logger, ulong clientId, int version);

    [LoggerMessage(EventId = 30, Level = LogLevel.Debug, Message = "Game message from client {ClientId} dropped (type byte {Type})")]
    public static partial void MessageDropped(ILogger logger, ulong clientId, int type);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Registry call {Call} failed (user {UserId}); the client may retry")]
    public static partial void RegistryCallFailed(ILogger logger, Exception exception, string call, long userId);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "Observer subscription at {Target} failed; renewed at the next round")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception, string target);

    [LoggerMessage(EventId = 33, Level = LogLevel.Debug, Message = "User {UserId} entered battle {BattleId} as tank {Slot}")]
    public static partial void EnteredBattle(ILogger logger, long userId, Guid battleId, int slot);

    [LoggerMessage(EventId = 34, Level = LogLevel.Information, Message = "Serving battle {BattleId} on {Map} at {TickRate} Hz")]
    public static partial void RoomOpened(ILogger logger, Guid battleId, string map, int tickRate);

    [LoggerMessage(EventId = 35, Level = LogLevel.Information, Message = "No longer serving battle {BattleId}: {Why}")]
    public static partial void RoomClosed(ILogger logger, Guid battleId, string why);

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "Battle {BattleId} is lost ({Why}): its players here get BattleEnd aborted")]
    public static partial void BattleLost(ILogger logger, Guid battleId, string why);

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "Battle {BattleId}: subscription renewal failed ({Error}); no frame for {Silent:0.0} s, asking again")]
    public static partial void RenewFailed(ILogger logger, Guid battleId, string error, double silent);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "Battle {BattleId} resumed from its checkpoint: BattleStart and a full snapshot again for {Players} players here")]
    public static partial void BattleResumed(ILogger logger, Guid battleId, int players);

    [LoggerMessage(EventId = 36, Level = LogLevel.Warning, Message = "Battle {BattleId} sent an unreadable world state at tick {Tick}; frame skipped")]
    public static partial void BadFrame(ILogger logger, Guid battleId, int tick);

    [LoggerMessage(EventId = 37, Level = LogLevel.Warning, Message = "Input batch for battle {BattleId} failed")]
    public static partial void SubmitFailed(ILogger logger, Exception exception, Guid battleId);

    [LoggerMessage(EventId = 38, Level = LogLevel.Error, Message = "Game layer loop failed; it goes on")]
    public static partial void GameLoopFailed(ILogger logger, Exception exception);
}
