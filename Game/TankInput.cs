namespace Tanks.Game;

/// <summary>
/// One tank's controls for one tick. Throttle and steering are in [-1, 1] (steering +1 turns the hull counter-clockwise,
/// i.e. left); <see cref="TurretYaw"/> is the absolute world angle (radians) the turret should traverse toward.
/// </summary>
public readonly record struct TankInput(float Throttle, float Steering, float TurretYaw, bool Fire)
{
    /// <summary>Clamps throttle and steering to [-1, 1], wraps the yaw into (-π, π]; NaN and ±∞ become 0.</summary>
    public TankInput Sanitized() => new(
        GameMath.Sanitize(Throttle, -1f, 1f),
        GameMath.Sanitize(Steering, -1f, 1f),
        GameMath.WrapAngle(TurretYaw),
        Fire);
}
