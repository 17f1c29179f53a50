namespace Tanks.Protocol.Game;

/// <summary>Byte 0 of every game message (a netcode payload). Client-to-server types are below 0x80, server-to-client above.</summary>
public enum GameMessageType : byte
{
    /// <summary>Client → server: join the matchmaking queue with a tank class.</summary>
    JoinQueue = 0x01,

    /// <summary>Client → server: leave the matchmaking queue.</summary>
    LeaveQueue = 0x02,

    /// <summary>Client → server: controls for the next tick plus the snapshot ack.</summary>
    Input = 0x03,

    /// <summary>Client → server: leave the running battle.</summary>
    Leave = 0x04,

    /// <summary>Client → server: invite a player (by user name) into your platoon.</summary>
    PlatoonInvite = 0x05,

    /// <summary>Client → server: accept or decline a leader's invitation.</summary>
    PlatoonAnswer = 0x06,

    /// <summary>Client → server: leave your platoon (a leader disbands it).</summary>
    PlatoonLeave = 0x07,

    /// <summary>Client → server: the leader removes a member or withdraws an invitation.</summary>
    PlatoonKick = 0x08,

    /// <summary>Server → client: queue state, position, length, waited time.</summary>
    QueueStatus = 0x81,

    /// <summary>Server → client: a battle begins (map, tick rate, your tank, the roster).</summary>
    BattleStart = 0x82,

    /// <summary>Server → client: one part of a delta-encoded world snapshot.</summary>
    Snapshot = 0x83,

    /// <summary>Server → client: what happened during a tick (shots, hits, kills, capture progress).</summary>
    BattleEvents = 0x84,

    /// <summary>Server → client: the battle is over (winner, reason, per-player stats).</summary>
    BattleEnd = 0x85,

    /// <summary>Server → client: the platoon (kind, leader, roster with ready flags) and the result of your last platoon request.</summary>
    PlatoonUpdate = 0x86,

    /// <summary>Server → client: one part of the battle's definition (map, rules, tank classes), sent before every <c>BattleStart</c>.</summary>
    BattleDefinition = 0x87,

    /// <summary>
    /// Server → client, version-independent: <c>8F serverVersion:u8 code:u8</c>, the answer to a message the server
    /// cannot read (another protocol version). Its layout is the same in every version, byte 1 included.
    /// </summary>
    ProtocolError = 0x8F,
}
