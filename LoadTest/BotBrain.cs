using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.LoadTest;

/// <summary>
/// A bot's driving (the SampleClient's): toward the nearest living enemy until 25 m away, turret on it, fire when loaded;
/// a per-bot wobble from the seed so the tanks do not move in lockstep.
/// </summary>
public static class BotBrain
{
    public static string ValidateClass(string value) => value is "mixed" || TryClass(value, out _)
        ? value
        : throw new ArgumentException($"--class must be light, medium, heavy or mixed, not '{value}'");

    public static byte ClassOf(string option, int index) => option == "mixed" ? (byte)(index % TankClassCodes.Count) : TankClassCodes.Id(option);

    public static (float Throttle, float Steering, float Yaw, bool Fire) Drive(WorldState state, ushort self, byte team, float wobble)
    {
        QuantizedTank me = default;
        var found = false;
        foreach (var t in state.Tanks)
        {
            if (t.Id == self)
            {
                (me, found) = (t, true);
            }
        }

        if (!found || !me.IsAlive)
        {
            return (0, 0, 0, false);
        }

        QuantizedTank target = default;
        var best = double.MaxValue;
        foreach (var t in state.Tanks)
        {
            var d = Math.Pow(t.X - me.X, 2) + Math.Pow(t.Y - me.Y, 2);
            if (t.Team != team && t.IsAlive && d < best)
            {
                (target, best) = (t, d);
            }
        }

        if (best == double.MaxValue)
        {
            return (0.5f, wobble, 0, false);
        }

        var bearing = MathF.Atan2(target.Y - me.Y, target.X - me.X);
        var turn = MathF.IEEERemainder(bearing - SnapshotQuantizer.AngleToRadians(me.HullAngle) + wobble * 0.3f, 2 * MathF.PI);
        var distance = Math.Sqrt(best) / 100;
        var throttle = distance > 25 && MathF.Abs(turn) < 1f ? 1f : 0f;
        return (throttle, Math.Clamp(turn * 2, -1f, 1f), bearing, me.Reload == 0);
    }

    private static bool TryClass(string value, out byte id)
    {
        for (byte i = 0; i < TankClassCodes.Count; i++)
        {
            if (string.Equals(TankClassCodes.Name(i), value, StringComparison.OrdinalIgnoreCase))
            {
                id = i;
                return true;
            }
        }

        id = 0;
        return false;
    }
}
