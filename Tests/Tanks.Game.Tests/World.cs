namespace Tanks.Game.Tests;

/// <summary>Builders for small, exactly predictable battles.</summary>
internal static class World
{
    /// <summary>A class with round numbers and no randomness (no damage spread, no dispersion).</summary>
    public static readonly TankClass Exact = new(
        "exact", Acceleration: 5f, MaxForwardSpeed: 10f, MaxReverseSpeed: 4f,
        HullTurnDegreesPerSecond: 90f, TurretTraverseDegreesPerSecond: 45f, Radius: 2f, HitPoints: 300,
        ReloadSeconds: 1f, ShellSpeed: 200f, ShellDamage: 100, ShellRange: 300f);

    public static readonly BattleRules NoJitter = new() { SpawnJitter = 0 };

    /// <summary>An open 300 × 300 map; team 0 spawns at (50, 150) facing +X, team 1 at (250, 150) facing -X; base at (150, 280).</summary>
    public static MapDefinition Open(params ObstacleDefinition[] obstacles) => new(
        "open", 300, 300, obstacles,
        [new SpawnZone(50, 150, 0, 0, 0), new SpawnZone(250, 150, 0, 0, 180)],
        new CaptureZone(150, 280, 10));

    /// <summary>A 1v1 with the exact class.</summary>
    public static Battle Duel(MapDefinition? map = null, BattleRules? rules = null, int tickRate = 20) =>
        new(new BattleSetup(map ?? Open(), [new PlayerSlot(0, 0, 100), new PlayerSlot(1, 0, 200)], 1)
        {
            Classes = [Exact],
            Rules = rules ?? NoJitter,
            TickRate = tickRate,
        });

    /// <summary>Team sizes of the exact class on a wide open map (spawn zones big enough).</summary>
    public static Battle Teams(int team0, int team1, BattleRules? rules = null, ulong seed = 1)
    {
        var map = new MapDefinition(
            "teams", 400, 400, [],
            [new SpawnZone(60, 200, 20, 60, 0), new SpawnZone(340, 200, 20, 60, 180)],
            new CaptureZone(200, 380, 10));
        var players = new PlayerSlot[team0 + team1];
        for (var i = 0; i < players.Length; i++)
        {
            players[i] = new PlayerSlot(i < team0 ? 0 : 1, 0, i);
        }
        return new Battle(new BattleSetup(map, players, seed) { Classes = [Exact], Rules = rules ?? NoJitter });
    }

    public static TankInput Idle(Battle b, int id) => new(0, 0, b.Tanks[id].TurretAngle, false);

    /// <summary>Steps with the same input for every tank <paramref name="ticks"/> times (inputs[i] for tank i; missing = idle).</summary>
    public static void Run(Battle b, int ticks, params TankInput[] inputs)
    {
        for (var i = 0; i < ticks; i++)
        {
            b.Step(inputs);
        }
    }

    /// <summary>Runs until an event of <paramref name="kind"/> appears; returns its tick, or -1 after <paramref name="maxTicks"/>.</summary>
    public static int RunUntil(Battle b, BattleEventKind kind, int maxTicks, params TankInput[] inputs)
    {
        for (var i = 0; i < maxTicks; i++)
        {
            b.Step(inputs);
            foreach (var e in b.Events)
            {
                if (e.Kind == kind)
                {
                    return b.Tick;
                }
            }
        }
        return -1;
    }

    public static List<BattleEvent> EventsOf(Battle b, BattleEventKind kind)
    {
        var list = new List<BattleEvent>();
        foreach (var e in b.Events)
        {
            if (e.Kind == kind)
            {
                list.Add(e);
            }
        }
        return list;
    }

    /// <summary>Fire at a world angle without moving.</summary>
    public static TankInput FireAt(float yaw) => new(0, 0, yaw, true);

    /// <summary>Hold the turret at a world angle without firing.</summary>
    public static TankInput Aim(float yaw) => new(0, 0, yaw, false);
}
