namespace Tanks.Game;

/// <summary>
/// The part of a tank that controls and movement change: position (m), hull and turret angle (rad, world frame), signed
/// speed along the hull and the last tick's achieved velocity (m/s), hull radius, alive. A plain struct so the server's
/// <see cref="Tank"/> and a client's predictor hold the same data and run the same <see cref="TankMotion"/> code on it.
/// </summary>
public struct TankBody
{
    public float X;
    public float Y;
    public float HullAngle;
    public float TurretAngle;
    public float Speed;
    public float VelocityX;
    public float VelocityY;
    public float Radius;
    public bool IsAlive;
}

/// <summary>
/// The tanks one movement step sees, by index: the ones that move and the ones they collide with (wrecks included).
/// Implement it as a struct so the generic <see cref="TankMotion"/> methods are specialized and nothing is boxed.
/// </summary>
public interface ITankBodies
{
    int Count { get; }

    ref TankBody this[int index] { get; }
}

/// <summary>Bodies in a plain array (a client's predictor, tests).</summary>
public readonly struct TankBodyArray(TankBody[] bodies, int count) : ITankBodies
{
    public int Count => count;

    public ref TankBody this[int index] => ref bodies[index];
}

/// <summary>The controls-and-movement constants of a <see cref="TankClass"/> in simulation units (m, s, rad).</summary>
public readonly struct TankMotionStats
{
    public readonly float Acceleration;
    public readonly float MaxForwardSpeed;
    public readonly float MaxReverseSpeed;
    /// <summary>rad/s.</summary>
    public readonly float HullTurnRate;
    /// <summary>rad/s.</summary>
    public readonly float TurretTraverseRate;
    public readonly float Radius;

    public TankMotionStats(TankClass c)
    {
        ArgumentNullException.ThrowIfNull(c);
        Acceleration = c.Acceleration;
        MaxForwardSpeed = c.MaxForwardSpeed;
        MaxReverseSpeed = c.MaxReverseSpeed;
        HullTurnRate = c.HullTurnDegreesPerSecond * GameMath.DegToRad;
        TurretTraverseRate = c.TurretTraverseDegreesPerSecond * GameMath.DegToRad;
        Radius = c.Radius;
    }
}
