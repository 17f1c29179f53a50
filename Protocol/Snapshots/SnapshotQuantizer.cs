namespace Tanks.Protocol.Snapshots;

/// <summary>
/// Turns plain floats (metres, radians, m/s) into the quantized world state, so the SessionGrain can convert Game's
/// snapshots without Protocol knowing Game. Positions: 1 cm, clamped to [0, <see cref="MaxCoordinate"/>] cm
/// (0..10,485.75 m; NaN → 0). Angles: 0..65535 = [0, 2π) (≈ 0.0055°), any input wrapped. Capture: whole points (floored) 0..100.
/// </summary>
public static class SnapshotQuantizer
{
    /// <summary>Positions take 20 bits on the wire: 0..1,048,575 cm.</summary>
    public const int CoordinateBits = 20;

    public const int MaxCoordinate = (1 << CoordinateBits) - 1;

    public static int Position(float metres)
    {
        if (float.IsNaN(metres))
        {
            return 0;
        }
        var cm = MathF.Round(metres * 100f);
        return cm <= 0 ? 0 : cm >= MaxCoordinate ? MaxCoordinate : (int)cm;
    }

    public static float Metres(int centimetres) => centimetres / 100f;

    public static ushort Angle(float radians)
    {
        if (!float.IsFinite(radians))
        {
            return 0;
        }
        var turns = radians / (2 * MathF.PI);
        turns -= MathF.Floor(turns); // [0, 1]
        return (ushort)((int)MathF.Round(turns * 65536f) & 0xFFFF);
    }

    /// <summary>[0, 2π).</summary>
    public static float AngleToRadians(ushort angle) => angle * (2 * MathF.PI / 65536f);

    /// <summary>Speed in dm/s (0..6553.5 m/s).</summary>
    public static ushort Speed(float metresPerSecond) =>
        float.IsNaN(metresPerSecond) ? (ushort)0 : (ushort)Math.Clamp(MathF.Round(metresPerSecond * 10f), 0f, ushort.MaxValue);

    /// <summary>
    /// Whole points, floored (99.6 → 99): the same rule as Game's capture events, so the header and the events never
    /// differ by one around a change. Clamped to 0..100, NaN → 0.
    /// </summary>
    public static byte Progress(float points) =>
        float.IsNaN(points) ? (byte)0 : (byte)Math.Clamp(MathF.Floor(points), 0f, 100f);

    public static bool IsValidCoordinate(int centimetres) => (uint)centimetres <= MaxCoordinate;

    public static bool IsValid(in SnapshotHeader header) =>
        header.Capture0 <= 100 && header.Capture1 <= 100 && header.Winner is 0 or 1 or SnapshotHeader.NoWinner && header.EndReason <= 4;

    /// <summary>The header; <paramref name="winner"/> &lt; 0 means none or a draw, <paramref name="endReason"/> 0 while running.</summary>
    public static SnapshotHeader Header(int tick, int ticksLeft, float capture0, float capture1, int winner, int endReason) => new(
        (uint)tick, (ushort)Math.Clamp(ticksLeft, 0, ushort.MaxValue), Progress(capture0), Progress(capture1),
        winner is 0 or 1 ? (byte)winner : SnapshotHeader.NoWinner, (byte)Math.Clamp(endReason, 0, 4));

    /// <summary>
    /// A tank. <paramref name="velocityX"/>/<paramref name="velocityY"/> (m/s) become the signed speed along the hull in mm per
    /// tick and <paramref name="turnRate"/> (rad/s, e.g. the wrapped hull angle change since the previous tick × tick rate) the
    /// turn in angle units per tick (<paramref name="tickRate"/> ticks per second): they let the codec predict the tank.
    /// </summary>
    public static QuantizedTank Tank(
        int id, int team, int classId, float x, float y, float hullAngle, float turretAngle, int hitPoints, bool isAlive, int reloadTicks,
        float velocityX = 0, float velocityY = 0, float turnRate = 0, int tickRate = 20) => new(
        (ushort)id, (byte)team, (byte)classId, Position(x), Position(y), Angle(hullAngle), Angle(turretAngle),
        (ushort)Math.Clamp(hitPoints, 0, ushort.MaxValue), isAlive, (byte)Math.Clamp(reloadTicks, 0, byte.MaxValue),
        SpeedPerTick(velocityX * MathF.Cos(hullAngle) + velocityY * MathF.Sin(hullAngle), tickRate), TurnPerTick(turnRate, tickRate));

    /// <summary>rad/s → angle units (2π/65536) per tick, clamped to ±32767 (NaN → 0).</summary>
    public static short TurnPerTick(float radiansPerSecond, int tickRate)
    {
        if (float.IsNaN(radiansPerSecond) || tickRate <= 0)
        {
            return 0;
        }
        return (short)Math.Clamp(MathF.Round(radiansPerSecond * (65536f / (2 * MathF.PI)) / tickRate), -short.MaxValue, short.MaxValue);
    }

    /// <summary>m/s → mm per tick, clamped to ±32767 (NaN → 0).</summary>
    public static short SpeedPerTick(float metresPerSecond, int tickRate)
    {
        if (float.IsNaN(metresPerSecond) || tickRate <= 0)
        {
            return 0;
        }
        return (short)Math.Clamp(MathF.Round(metresPerSecond * 1000f / tickRate), -short.MaxValue, short.MaxValue);
    }

    /// <summary>
    /// A shell's launch record. If <paramref name="previous"/> (the state built last tick) has the same shell id, its record
    /// is returned unchanged — the launch record must stay stable for the whole flight so the delta codec never resends it.
    /// Otherwise a new record is made from the current sample at <paramref name="tick"/>.
    /// </summary>
    public static QuantizedShell Shell(uint id, int owner, float x, float y, float angle, float speed, int tick, WorldState? previous)
    {
        if (previous is not null && previous.TryGetShell(id, out var known))
        {
            return known;
        }
        return new QuantizedShell(id, (ushort)owner, Position(x), Position(y), Angle(angle), Speed(speed), (uint)tick);
    }
}
