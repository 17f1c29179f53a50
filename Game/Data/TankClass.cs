namespace Tanks.Game;

/// <summary>
/// A tank class as data. Units: metres, seconds, degrees (for authoring; the simulation converts to radians).
/// Tanks collide as circles of <see cref="Radius"/>. <see cref="DamageSpread"/> is the ± fraction of random damage
/// variation (0.1 = ±10 %); <see cref="DispersionDegrees"/> the ± random deviation of a shot from the gun's yaw.
/// Spotting: <see cref="ViewRange"/> metres; camouflage is the fraction (0..0.9) by which an enemy's view range shrinks
/// against this tank: <see cref="CamouflageStationary"/> at rest, <see cref="CamouflageMoving"/> while moving,
/// <see cref="CamouflageFiring"/> for <see cref="BattleRules.FiringCamouflageSeconds"/> after a shot.
/// </summary>
public sealed record TankClass(
    string Name,
    float Acceleration,
    float MaxForwardSpeed,
    float MaxReverseSpeed,
    float HullTurnDegreesPerSecond,
    float TurretTraverseDegreesPerSecond,
    float Radius,
    int HitPoints,
    float ReloadSeconds,
    float ShellSpeed,
    int ShellDamage,
    float ShellRange,
    float DamageSpread = 0f,
    float DispersionDegrees = 0f,
    float ViewRange = 200f,
    float CamouflageStationary = 0f,
    float CamouflageMoving = 0f,
    float CamouflageFiring = 0f)
{
    /// <summary>Throws <see cref="InvalidDataException"/> naming the first problem, if any.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new InvalidDataException("tank class: name is required");
        }
        if (!Positive(Acceleration) || !Positive(MaxForwardSpeed) || !NonNegative(MaxReverseSpeed)
            || !NonNegative(HullTurnDegreesPerSecond) || !NonNegative(TurretTraverseDegreesPerSecond)
            || !(Radius >= 0.5f && Radius <= 20f) || HitPoints <= 0 || !Positive(ReloadSeconds)
            || !Positive(ShellSpeed) || ShellDamage < 0 || !Positive(ShellRange)
            || !(DamageSpread >= 0 && DamageSpread < 1) || !(DispersionDegrees >= 0 && DispersionDegrees <= 45)
            || !(ViewRange >= 1 && ViewRange <= 2000) || !Camouflage(CamouflageStationary) || !Camouflage(CamouflageMoving)
            || !Camouflage(CamouflageFiring))
        {
            throw new InvalidDataException($"tank class {Name}: a value is out of range");
        }
    }

    private static bool Positive(float v) => v > 0 && float.IsFinite(v);
    private static bool NonNegative(float v) => v >= 0 && float.IsFinite(v);
    private static bool Camouflage(float v) => v >= 0 && v <= 0.9f;
}

/// <summary>The built-in classes (index = class id in <see cref="All"/>). Numbers are game-feel guesses in the Blitz range.</summary>
public static class TankClasses
{
    public static readonly TankClass Light = new(
        "light", Acceleration: 8f, MaxForwardSpeed: 16f, MaxReverseSpeed: 6f,
        HullTurnDegreesPerSecond: 70f, TurretTraverseDegreesPerSecond: 90f, Radius: 2.4f, HitPoints: 800,
        ReloadSeconds: 2.5f, ShellSpeed: 260f, ShellDamage: 110, ShellRange: 250f, DamageSpread: 0.1f, DispersionDegrees: 0.4f,
        ViewRange: 220f, CamouflageStationary: 0.35f, CamouflageMoving: 0.25f, CamouflageFiring: 0.10f);

    public static readonly TankClass Medium = new(
        "medium", Acceleration: 5f, MaxForwardSpeed: 13f, MaxReverseSpeed: 5f,
        HullTurnDegreesPerSecond: 50f, TurretTraverseDegreesPerSecond: 60f, Radius: 2.8f, HitPoints: 1200,
        ReloadSeconds: 5f, ShellSpeed: 230f, ShellDamage: 240, ShellRange: 300f, DamageSpread: 0.1f, DispersionDegrees: 0.3f,
        ViewRange: 200f, CamouflageStationary: 0.25f, CamouflageMoving: 0.15f, CamouflageFiring: 0.05f);

    public static readonly TankClass Heavy = new(
        "heavy", Acceleration: 3f, MaxForwardSpeed: 10f, MaxReverseSpeed: 4f,
        HullTurnDegreesPerSecond: 35f, TurretTraverseDegreesPerSecond: 35f, Radius: 3.2f, HitPoints: 1800,
        ReloadSeconds: 8f, ShellSpeed: 200f, ShellDamage: 390, ShellRange: 300f, DamageSpread: 0.1f, DispersionDegrees: 0.25f,
        ViewRange: 180f, CamouflageStationary: 0.15f, CamouflageMoving: 0.08f, CamouflageFiring: 0.02f);

    public const int LightId = 0;
    public const int MediumId = 1;
    public const int HeavyId = 2;

    /// <summary>Light, medium, heavy (ids 0, 1, 2). A new array each call, so callers may modify it.</summary>
    public static TankClass[] All() => [Light, Medium, Heavy];
}
