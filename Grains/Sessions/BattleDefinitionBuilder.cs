using System.Collections.Concurrent;
using System.Collections.Immutable;
using Tanks.Game;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Protocol.Game;

namespace Tanks.Grains.Sessions;

/// <summary>
/// Converts what the simulation runs with (<see cref="MapDefinition"/>, <see cref="BattleRules"/>, the tick rate, the
/// <see cref="TankClass"/> table) into the wire's <see cref="BattleDefinition"/>, value for value (the same float32s, so a
/// predicting client can run Game with exactly the server's numbers), and into ready messages. Battles of one setup
/// share the built messages (cached by content, a handful of entries per silo).
/// </summary>
public static class BattleDefinitionBuilder
{
    private static readonly ConcurrentDictionary<string, BattleDefinitionData> s_cache = new();

    public static BattleDefinition Convert(MapDefinition map, BattleRules rules, int tickRate, IReadOnlyList<TankClass> classes)
    {
        var obstacles = new DefinitionObstacle[map.Obstacles.Length];
        for (var i = 0; i < obstacles.Length; i++)
        {
            var o = map.Obstacles[i];
            obstacles[i] = new DefinitionObstacle(
                o.Shape == ObstacleShape.Circle ? DefinitionObstacleShape.Circle : DefinitionObstacleShape.Box,
                o.X, o.Y, o.Radius, o.HalfWidth, o.HalfHeight, o.AngleDegrees);
        }

        var wireClasses = new DefinitionTankClass[classes.Count];
        for (var i = 0; i < wireClasses.Length; i++)
        {
            var c = classes[i];
            wireClasses[i] = new DefinitionTankClass(
                c.Name, c.Acceleration, c.MaxForwardSpeed, c.MaxReverseSpeed, c.HullTurnDegreesPerSecond, c.TurretTraverseDegreesPerSecond,
                c.Radius, c.HitPoints, c.ReloadSeconds, c.ShellSpeed, c.ShellDamage, c.ShellRange, c.DamageSpread, c.DispersionDegrees,
                c.ViewRange, c.CamouflageStationary, c.CamouflageMoving, c.CamouflageFiring);
        }

        var wireRules = new DefinitionRules(
            (byte)Math.Clamp(tickRate, 1, 240), rules.TimeLimitSeconds, rules.CapturePoints, rules.CapturePointsPerTankPerSecond,
            rules.MaxCapturingTanks, rules.CaptureDecayPerSecond, rules.FriendlyFire, rules.ResetCaptureOnDamage);
        return new BattleDefinition(
            map.Name, map.Width, map.Height, new DefinitionBase(map.Base.X, map.Base.Y, map.Base.Radius),
            Spawn(map.Spawns[0]), Spawn(map.Spawns[1]), wireRules, wireClasses, obstacles);
    }

    /// <summary>The ready messages and hash of a battle's setup (built once per distinct definition).</summary>
    public static BattleDefinitionData Build(BattleSetup setup)
    {
        var definition = Convert(setup.Map, setup.Rules, setup.TickRate, setup.Classes);
        var body = new byte[BattleDefinitionMessage.BodySize(definition)];
        BattleDefinitionMessage.WriteBody(definition, body);
        // Keyed by the body itself: equal setups share one copy, whatever objects they came from.
        return s_cache.GetOrAdd(System.Convert.ToBase64String(body), static (_, d) => Package(d), definition);
    }

    private static BattleDefinitionData Package(BattleDefinition definition)
    {
        if (s_cache.Count > 64)
        {
            s_cache.Clear(); // maps are few; a silo fed ever-new rules must not grow without bound
        }

        var package = BattleDefinitionMessage.Build(definition);
        return new BattleDefinitionData(package.Hash, [.. package.Messages]);
    }

    private static DefinitionSpawn Spawn(SpawnZone s) => new(s.X, s.Y, s.HalfWidth, s.HalfHeight, s.FacingDegrees);
}
