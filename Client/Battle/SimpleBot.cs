using Tanks.Protocol.Snapshots;

namespace Tanks.Client.Battle;

/// <summary>
/// A simple opponent for samples, load tests and demos: toward the nearest living enemy it sees until 25 m away, turret
/// on it, fire when the gun is loaded. <c>wobble</c> (−1..1, e.g. per bot from a seed) bends its course so bots do not
/// move in lockstep. With spotting a bot sees only what its team has spotted: given a <see cref="BotMemory"/> it hunts
/// where it last saw an enemy, then heads for the memory's goal (the base), so vanished enemies never leave it idle.
/// </summary>
public static class SimpleBot
{
    /// <summary>Close enough to a last-seen position (cm) to give up on it: nobody there.</summary>
    private const float SearchRadius = 20_00;

    /// <summary>
    /// Drives <paramref name="game"/>'s running battle, one input per server tick (<see cref="BattleClient.RunInputLoopAsync"/>),
    /// until it ends or <paramref name="cancellationToken"/> fires, remembering where it last saw each enemy. Returns the inputs sent.
    /// </summary>
    public static Task<long> RunAsync(BattleClient game, float wobble = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(game);
        var memory = default(BotMemory);
        return game.RunInputLoopAsync(tick => Control(tick, ref memory, wobble), cancellationToken);
    }

    /// <summary>One tick of the bot for <see cref="BattleClient.RunInputLoopAsync"/>: nothing before the first snapshot.</summary>
    public static TankControls? Control(InputLoopTick tick, float wobble = 0)
    {
        var memory = default(BotMemory);
        return Control(tick, ref memory, wobble);
    }

    /// <summary>One tick of the bot, with its memory of the enemies it has seen (kept by the caller across ticks).</summary>
    public static TankControls? Control(InputLoopTick tick, ref BotMemory memory, float wobble = 0)
    {
        if (tick.Latest is not { } state)
        {
            return null;
        }

        var (throttle, steering, yaw, fire) = Drive(state, tick.Battle.TankId, tick.Battle.Team, wobble, ref memory);
        return new TankControls(throttle, steering, yaw, fire);
    }

    public static (float Throttle, float Steering, float Yaw, bool Fire) Drive(WorldState state, ushort self, byte team, float wobble = 0)
    {
        var memory = default(BotMemory);
        return Drive(state, self, team, wobble, ref memory);
    }

    public static (float Throttle, float Steering, float Yaw, bool Fire) Drive(
        WorldState state, ushort self, byte team, float wobble, ref BotMemory memory)
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

        var hull = SnapshotQuantizer.AngleToRadians(me.HullAngle);
        if (best == double.MaxValue)
        {
            // Nobody in sight: search where an enemy was last seen, then the goal, else roam.
            if (memory.HasLastSeen && Distance(me, memory.LastSeenX, memory.LastSeenY) < SearchRadius)
            {
                memory.HasLastSeen = false;
            }
            var (gx, gy, has) = memory.HasLastSeen ? (memory.LastSeenX, memory.LastSeenY, true) : (memory.GoalX, memory.GoalY, memory.HasGoal);
            if (!has || Distance(me, gx, gy) < SearchRadius)
            {
                return (0.5f, wobble, SnapshotQuantizer.AngleToRadians(me.TurretAngle), false);
            }
            var heading = MathF.Atan2(gy - me.Y, gx - me.X);
            var steer = MathF.IEEERemainder(heading - hull + wobble * 0.3f, 2 * MathF.PI);
            return (MathF.Abs(steer) < 1f ? 1f : 0.3f, Math.Clamp(steer * 2, -1f, 1f), heading, false);
        }

        (memory.LastSeenX, memory.LastSeenY, memory.HasLastSeen) = (target.X, target.Y, true);
        var bearing = MathF.Atan2(target.Y - me.Y, target.X - me.X);
        var turn = MathF.IEEERemainder(bearing - hull + wobble * 0.3f, 2 * MathF.PI);
        var distance = Math.Sqrt(best) / 100;
        var throttle = distance > 25 && MathF.Abs(turn) < 1f ? 1f : 0f;
        return (throttle, Math.Clamp(turn * 2, -1f, 1f), bearing, me.Reload == 0);
    }

    private static float Distance(in QuantizedTank me, float x, float y) => MathF.Sqrt((x - me.X) * (x - me.X) + (y - me.Y) * (y - me.Y));
}

/// <summary>
/// What a <see cref="SimpleBot"/> remembers between ticks (keep one per bot; reset it for a new battle): where it last
/// saw an enemy, and a goal to head for when it knows of none (e.g. the base from the battle's definition; cm).
/// </summary>
public struct BotMemory
{
    public float LastSeenX;
    public float LastSeenY;
    public bool HasLastSeen;
    public float GoalX;
    public float GoalY;
    public bool HasGoal;

    /// <summary>A memory that heads for (x, y) metres (the base) when no enemy is known.</summary>
    public static BotMemory WithGoal(float xMetres, float yMetres) =>
        new() { GoalX = SnapshotQuantizer.Position(xMetres), GoalY = SnapshotQuantizer.Position(yMetres), HasGoal = true };
}
