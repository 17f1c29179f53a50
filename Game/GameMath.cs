namespace Tanks.Game;

/// <summary>A 2-D vector of single-precision metres (or metres per second). Plain scalar maths, no SIMD, so results are reproducible.</summary>
public readonly record struct Vec2(float X, float Y)
{
    public static Vec2 operator +(Vec2 a, Vec2 b) => new(a.X + b.X, a.Y + b.Y);
    public static Vec2 operator -(Vec2 a, Vec2 b) => new(a.X - b.X, a.Y - b.Y);
    public static Vec2 operator *(Vec2 a, float s) => new(a.X * s, a.Y * s);
    public float Dot(Vec2 other) => X * other.X + Y * other.Y;
    public float LengthSquared => X * X + Y * Y;
    public float Length => MathF.Sqrt(X * X + Y * Y);
    public static Vec2 FromAngle(float radians) => new(MathF.Cos(radians), MathF.Sin(radians));
}

/// <summary>Angle and clamping helpers. Angles are radians, counter-clockwise from +X, kept in (-π, π].</summary>
public static class GameMath
{
    public const float TwoPi = MathF.PI * 2f;
    public const float DegToRad = MathF.PI / 180f;

    /// <summary>Wraps an angle into (-π, π]; a non-finite angle becomes 0.</summary>
    public static float WrapAngle(float radians)
    {
        if (!float.IsFinite(radians))
        {
            return 0f;
        }
        var a = MathF.IEEERemainder(radians, TwoPi);
        if (a <= -MathF.PI)
        {
            a += TwoPi;
        }
        else if (a > MathF.PI)
        {
            a -= TwoPi;
        }
        return a;
    }

    /// <summary>The signed shortest turn from <paramref name="from"/> to <paramref name="to"/>, in (-π, π].</summary>
    public static float AngleDelta(float from, float to) => WrapAngle(to - from);

    /// <summary>Turns <paramref name="current"/> toward <paramref name="target"/> by at most <paramref name="maxStep"/> (the shorter way).</summary>
    public static float RotateTowards(float current, float target, float maxStep)
    {
        var delta = AngleDelta(current, target);
        if (MathF.Abs(delta) <= maxStep)
        {
            return WrapAngle(target);
        }
        return WrapAngle(current + (delta > 0 ? maxStep : -maxStep));
    }

    /// <summary>Moves a scalar toward a target by at most <paramref name="maxStep"/>.</summary>
    public static float MoveTowards(float current, float target, float maxStep)
    {
        if (current < target)
        {
            return MathF.Min(current + maxStep, target);
        }
        return MathF.Max(current - maxStep, target);
    }

    /// <summary>NaN and ±∞ become 0; anything else is clamped to [min, max].</summary>
    public static float Sanitize(float value, float min, float max) =>
        float.IsFinite(value) ? Math.Clamp(value, min, max) : 0f;
}
