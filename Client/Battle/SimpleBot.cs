using Tanks.Protocol.Snapshots;

namespace Tanks.Client.Battle;

/// <summary>
/// A simple opponent for samples, load tests and demos: toward the nearest living enemy until 25 m away, turret on it,
/// fire when the gun is loaded. <c>wobble</c> (−1..1, e.g. per bot from a seed) bends its course so bots do not move
/// in lockstep.
/// </summary>
public static class SimpleBot
{
    /// <summary>
    /// Drives <paramref name="game"/>'s running battle, one input per server tick (<see cref="BattleClient.RunInputLoopAsync"/>),
    /// until it ends or <paramref name="cancellationToken"/> fires. Returns the inputs sent.
    /// </summary>
    public static Task<long> RunAsync(BattleClient game, float wobble = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(game);
        return game.RunInputLoopAsync(tick => Control(tick, wobble), cancellationToken);
    }

    /// <summary>One tick of the bot for <see cref="BattleClient.RunInputLoopAsync"/>: nothing before the first snapshot.</summary>
    public static TankControls? Control(InputLoopTick tick, float wobble = 0)
    {
        if (tick.Latest is not { } state)
        {
            return null;
        }

        var (throttle, steering, yaw, fire) = Drive(state, tick.Battle.TankId, tick.Battle.Team, wobble);
        return new TankControls(throttle, steering, yaw, fire);
    }

    public static (float Throttle, float Steering, float Yaw, bool Fire) Drive(WorldState state, ushort self, byte team, float wobble = 0)
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
            return (0.5f, wobble, 0, false); // nobody in sight: roam
        }

        var bearing = MathF.Atan2(target.Y - me.Y, target.X - me.X);
        var turn = MathF.IEEERemainder(bearing - SnapshotQuantizer.AngleToRadians(me.HullAngle) + wobble * 0.3f, 2 * MathF.PI);
        var distance = Math.Sqrt(best) / 100;
        var throttle = distance > 25 && MathF.Abs(turn) < 1f ? 1f : 0f;
        return (throttle, Math.Clamp(turn * 2, -1f, 1f), bearing, me.Reload == 0);
    }
}
