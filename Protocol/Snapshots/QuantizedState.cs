namespace Tanks.Protocol.Snapshots;

/// <summary>
/// A tank as it travels: position in centimetres (0..<see cref="SnapshotQuantizer.MaxCoordinate"/>), angles as
/// 0..65535 = 0..2π, hit points, alive flag, reload ticks left (0..255), and <see cref="Speed"/>: signed speed along the
/// hull in millimetres per tick (negative = reversing), and <see cref="TurnRate"/>: the hull's turn in angle units per tick
/// (counter-clockwise positive). The codec predicts hull angle and position from them (dead reckoning); any error is sent.
/// </summary>
public readonly record struct QuantizedTank(
    ushort Id, byte Team, byte ClassId, int X, int Y, ushort HullAngle, ushort TurretAngle, ushort HitPoints, bool IsAlive, byte Reload,
    short Speed = 0, short TurnRate = 0);

/// <summary>
/// A shell as it travels: its <b>launch record</b>, which stays the same for the shell's whole flight. (X, Y) in cm is where
/// it was at <see cref="SpawnTick"/>, <see cref="Angle"/> its heading, <see cref="Speed"/> in dm/s. The position at tick t is
/// (X, Y) + (cos, sin)(Angle) · Speed / 10 · (t − SpawnTick) / tickRate — clients extrapolate; the codec never resends it.
/// </summary>
public readonly record struct QuantizedShell(uint Id, ushort Owner, int X, int Y, ushort Angle, ushort Speed, uint SpawnTick);

/// <summary>
/// The battle-wide part of a world state: tick, ticks left until the time limit, capture progress per team (0..100),
/// and the result: <see cref="Winner"/> 0/1 or 255 (none or draw), <see cref="EndReason"/> 0 while running, else 1..4 as
/// in <c>BattleEndReasonCode</c>.
/// </summary>
public readonly record struct SnapshotHeader(uint Tick, ushort TicksLeft, byte Capture0, byte Capture1, byte Winner, byte EndReason)
{
    public const byte NoWinner = 255;
}
