namespace Tanks.Game;

/// <summary>
/// A tank class as data. Units: metres, seconds, degrees (for authoring; the simulation converts to radians).
/// Tanks collide as circles of <see cref="Radius"/>. <see cref="DamageSpread"/> is the ± fraction of random damage
/// variation (0.1 = ±10 %); <see cref="DispersionDegrees"/> the ± random deviation of a shot from the gun's yaw.
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
    float DispersionDegrees = 0f)
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
            || !(DamageSpread >= 0 && DamageSpread < 1) || !(DispersionDegrees >= 0 && DispersionDegrees <= 45))
        {
            throw new InvalidDataException($"tank class {Name}: a value is out of range");
        }
    }

    private static bool Positive(float v) => v > 0 && float.IsFinite(v);
    private static bool NonNegative(float v) => v >= 0 && float.IsFinite(v);
}

/// <summary>The built-in classes (index = class id in <see cref="All"/>). Numbers are game-feel guesses in the Blitz range.</summary>
public static class TankClasses
{
    public static readonly TankClass Light = new(
        "light", Acceleration: 8f, MaxForwardSpeed: 16f, MaxReverseSpeed: 6f,
        HullTurnDegreesPerSecond: 70f, TurretTraverseDegreesPerSecond: 90f, Radius: 2.4f, HitPoints: 800,
        ReloadSeconds: 2.5f, ShellSpeed: 260f, ShellDamage: 110, ShellRange: 250f, DamageSpread: 0.1f, DispersionDegrees: 0.4f);

    public static readonly TankClass Medium = new(
        "medium", Acceleration: 5f, MaxForwardSpeed: 13f, MaxReverseSpeed: 5f,
        HullTurnDegreesPerSecond: 50f, TurretTraverseDegreesPerSecond: 60f, Radius: 2.8f, HitPoints: 1200,
        ReloadSeconds: 5f, ShellSpeed: 230f, ShellDamage: 240, ShellRange: 300f, DamageSpread: 0.1f, DispersionDegrees: 0.3f);

    public static readonly TankClass Heavy = new(
        "heavy", Acceleration: 3f, MaxForwardSpeed: 10f, MaxReverseSpeed: 4f,
        HullTurnDegreesPerSecond: 35f, TurretTraverseDegreesPerSecond: 35f, Radius: 3.2f, HitPoints: 1800,
        ReloadSeconds: 8f, ShellSpeed: 200f, ShellDamage: 390, ShellRange: 300f, DamageSpread: 0.1f, DispersionDegrees: 0.25f);

    public const int LightId = 0;
    public const int MediumId = 1;
    public const int HeavyId = 2;

    /// <summary>Light, medium, heavy (ids 0, 1, 2). A new array each call, so callers may modify it.</summary>
    public static TankClass[] All() => [Light, Medium, Heavy];
}
