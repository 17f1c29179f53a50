namespace Tanks.Game.Tests;

/// <summary>Independent geometry checks (not the simulation's own code) for the collision invariants.</summary>
internal static class Invariants
{
    public const float Tolerance = Battle.OverlapTolerance;

    public static void AssertNoOverlaps(Battle b)
    {
        var tanks = b.Tanks;
        var map = b.Map;
        for (var i = 0; i < tanks.Length; i++)
        {
            var t = tanks[i];
            Assert.True(float.IsFinite(t.X) && float.IsFinite(t.Y), $"tick {b.Tick}: tank {i} position not finite");
            Assert.True(t.X >= t.Radius - Tolerance && t.X <= map.Width - t.Radius + Tolerance
                && t.Y >= t.Radius - Tolerance && t.Y <= map.Height - t.Radius + Tolerance,
                $"tick {b.Tick}: tank {i} at ({t.X}, {t.Y}) leaves the map");
            for (var j = i + 1; j < tanks.Length; j++)
            {
                var u = tanks[j];
                var d = MathF.Sqrt((t.X - u.X) * (t.X - u.X) + (t.Y - u.Y) * (t.Y - u.Y));
                Assert.True(d >= t.Radius + u.Radius - Tolerance, $"tick {b.Tick}: tanks {i} and {j} overlap (distance {d})");
            }
            foreach (var o in map.Obstacles)
            {
                var gap = Distance(o, t.X, t.Y) - t.Radius;
                Assert.True(gap >= -Tolerance, $"tick {b.Tick}: tank {i} at ({t.X}, {t.Y}) overlaps obstacle {o} by {-gap}");
            }
        }
    }

    /// <summary>Distance from a point to an obstacle's surface (negative inside).</summary>
    public static float Distance(ObstacleDefinition o, float x, float y)
    {
        double dx = x - o.X, dy = y - o.Y;
        if (o.Shape == ObstacleShape.Circle)
        {
            return (float)(Math.Sqrt(dx * dx + dy * dy) - o.Radius);
        }
        var a = o.AngleDegrees * Math.PI / 180;
        var lx = Math.Abs(dx * Math.Cos(a) + dy * Math.Sin(a)) - o.HalfWidth;
        var ly = Math.Abs(-dx * Math.Sin(a) + dy * Math.Cos(a)) - o.HalfHeight;
        var outside = Math.Sqrt(Math.Max(lx, 0) * Math.Max(lx, 0) + Math.Max(ly, 0) * Math.Max(ly, 0));
        return (float)(outside + Math.Min(Math.Max(lx, ly), 0));
    }
}
