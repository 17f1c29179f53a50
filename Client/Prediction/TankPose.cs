namespace Tanks.Client.Prediction;

/// <summary>
/// Where the local tank is, as the predictor sees it: metres, radians in (-π, π] (world frame, counter-clockwise from +X),
/// signed speed along the hull in m/s.
/// </summary>
public readonly record struct TankPose(float X, float Y, float HullAngle, float TurretAngle, float Speed)
{
    /// <summary>Distance between the two positions (m).</summary>
    public float DistanceTo(in TankPose other)
    {
        var dx = X - other.X;
        var dy = Y - other.Y;
        return MathF.Sqrt(dx * dx + dy * dy);
    }
}
