using Tanks.Game;
using Tanks.Protocol.Game;

namespace Tanks.Client.Battle;

/// <summary>
/// A received <see cref="BattleDefinition"/> as Game's own types, value for value: a client that predicts its tank runs
/// <c>Game</c> with exactly the numbers the server simulates with.
/// </summary>
public static class BattleDefinitions
{
    public static MapDefinition ToMap(this BattleDefinition d) => new(
        d.MapName,
        d.Width,
        d.Height,
        [.. d.Obstacles.Select(o => new ObstacleDefinition(
            o.Shape == DefinitionObstacleShape.Circle ? ObstacleShape.Circle : ObstacleShape.Box,
            o.X, o.Y, o.Radius, o.HalfWidth, o.HalfHeight, o.AngleDegrees))],
        [Spawn(d.Spawn0), Spawn(d.Spawn1)],
        new CaptureZone(d.Base.X, d.Base.Y, d.Base.Radius));

    /// <summary>The class table (index = class id).</summary>
    public static TankClass[] ToTankClasses(this BattleDefinition d) =>
    [
        .. d.Classes.Select(c => new TankClass(
            c.Name, c.Acceleration, c.MaxForwardSpeed, c.MaxReverseSpeed, c.HullTurnDegreesPerSecond, c.TurretTraverseDegreesPerSecond,
            c.Radius, c.HitPoints, c.ReloadSeconds, c.ShellSpeed, c.ShellDamage, c.ShellRange, c.DamageSpread, c.DispersionDegrees,
            c.ViewRange, c.CamouflageStationary, c.CamouflageMoving, c.CamouflageFiring)),
    ];

    /// <summary>The rules the definition carries, on top of Game's defaults for what it does not (spawn jitter, team size).</summary>
    public static BattleRules ToRules(this BattleDefinition d) => BattleRules.Default with
    {
        TimeLimitSeconds = d.Rules.TimeLimitSeconds,
        FriendlyFire = d.Rules.FriendlyFire,
        CapturePoints = d.Rules.CapturePoints,
        CapturePointsPerTankPerSecond = d.Rules.CapturePointsPerTankPerSecond,
        MaxCapturingTanks = d.Rules.MaxCapturingTanks,
        CaptureDecayPerSecond = d.Rules.CaptureDecayPerSecond,
        ResetCaptureOnDamage = d.Rules.ResetCaptureOnDamage,
    };

    private static SpawnZone Spawn(DefinitionSpawn s) => new(s.X, s.Y, s.HalfWidth, s.HalfHeight, s.FacingDegrees);
}
