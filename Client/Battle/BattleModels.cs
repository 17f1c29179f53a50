using Tanks.Client.Prediction;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

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

/// <summary>One tick's controls: throttle and steering in -1..1 (+1 steers left), the turret's world yaw (radians), fire.</summary>
public readonly record struct TankControls(float Throttle, float Steering, float TurretYaw, bool Fire);

/// <summary>
/// A tick of <see cref="BattleClient.RunInputLoopAsync"/>: how many ticks the loop ran before (0 first), the newest
/// decoded state (null before the first; the loop's own copy, valid until the callback returns) and the battle.
/// </summary>
public readonly record struct InputLoopTick(long Index, WorldState? Latest, BattleStartInfo Battle);

/// <summary>A decoded snapshot (<see cref="BattleClient.SnapshotDecoded"/>): valid only during the event.</summary>
public readonly record struct DecodedSnapshot(WorldState State, uint InputAck, bool Reconciled);

/// <summary>
/// The local tank's prediction (<see cref="BattleClient.TryGetLocalPrediction"/>): the pose after every input sent
/// (<see cref="Predicted"/>, standing for server tick <see cref="PredictedTick"/>), what to draw
/// (<see cref="Rendered"/>: predicted plus the correction being smoothed away), the server's tank it was replayed from
/// (<see cref="Server"/>, tick <see cref="ServerTick"/>, reflecting inputs up to <see cref="InputAck"/>), the newest
/// input predicted, the inputs pending, and the corrections: <see cref="LastCorrection"/> (m) the last snapshot moved the
/// prediction by, <see cref="CorrectionOffset"/> (m) still being smoothed, counts of reconciliations and snaps.
/// </summary>
public readonly record struct LocalPrediction(
    TankPose Predicted, TankPose Rendered, TankPose Server, uint PredictedTick, uint ServerTick, uint InputAck, uint NewestSequence,
    int PendingInputs, float LastCorrection, float CorrectionOffset, int Reconciliations, int Snaps, bool IsAlive);
