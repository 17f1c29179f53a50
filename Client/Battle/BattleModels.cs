using Tanks.Protocol.Game;

namespace Tanks.Client.Battle;

/// <summary>
/// A <c>BattleStart</c>: the battle, its map and tick rate, your tank (its id is your slot) and team, the roster, and the
/// battle's definition (map geometry, rules, tank classes: <see cref="BattleDefinitions"/> turns it into Game's types for
/// prediction) with the hash that names it.
/// </summary>
public sealed record BattleStartInfo(
    Guid BattleId, string MapId, int TickRate, ushort TankId, byte Team, IReadOnlyList<BattlePlayer> Players,
    ulong DefinitionHash, BattleDefinition Definition);

/// <summary>A <c>BattleEnd</c>: the winning team (0/1) or a draw, why, and every player's line.</summary>
public sealed record BattleEndInfo(byte Winner, BattleEndReasonCode Reason, IReadOnlyList<PlayerResult> Players)
{
    public bool IsDraw => Winner == BattleEndMessage.Draw;
}

/// <summary>
/// One <c>BattleEvents</c> message: what happened during a tick (shots with the shell's launch record, hits with the
/// impact point, shell stops, kills, capture progress; positions in cm as in the world state).
/// </summary>
public sealed record BattleEventsInfo(uint Tick, IReadOnlyList<WireEvent> Events);

/// <summary>The server answered <c>ProtocolError</c>: it speaks another game protocol version than this SDK.</summary>
public sealed class GameProtocolMismatchException(byte serverVersion, ProtocolErrorCode code)
    : Exception($"the server speaks game protocol version {serverVersion}; this client speaks {GameProtocol.Version} ({code})")
{
    public byte ServerVersion { get; } = serverVersion;

    public ProtocolErrorCode Code { get; } = code;
}
