namespace Tanks.Game;

/// <summary>
/// The static world tanks move in: the map's bounds and its obstacles, compiled once (box rotations as cos/sin). Immutable
/// and shareable; <see cref="Battle"/> builds one per battle, a client's predictor one per map.
/// </summary>
public sealed class MotionWorld
{
    /// <summary>Obstacles and map edges never let a tank overlap them by more than this (metres); tanks likewise.</summary>
    public const float OverlapTolerance = 1e-3f;

    /// <summary>How far beyond contact push-out places a hull, so the next test sees it clear.</summary>
    internal const float Skin = 1e-4f;

    private readonly CompiledObstacle[] _obstacles;

    public MotionWorld(MapDefinition map)
    {
        ArgumentNullException.ThrowIfNull(map);
        Width = map.Width;
        Height = map.Height;
        _obstacles = new CompiledObstacle[map.Obstacles.Length];
        for (var i = 0; i < _obstacles.Length; i++)
        {
            _obstacles[i] = new CompiledObstacle(map.Obstacles[i]);
        }
    }

    public float Width { get; }

    public float Height { get; }

    internal ReadOnlySpan<CompiledObstacle> Obstacles => _obstacles;

    /// <summary>
    /// Moves body <paramref name="self"/> toward (x, y), pushing it out of the map edge, obstacles and the other bodies (a
    /// few relaxation passes); if the result still overlaps anything, the body stays where it was (which is always free).
    /// Returns true when anything pushed it (it is blocked or sliding).
    /// </summary>
    public bool TryMove<TBodies>(TBodies bodies, int self, float x, float y)
        where TBodies : ITankBodies
    {
        ref var t = ref bodies[self];
        var r = t.Radius;
        var width = Width;
        var height = Height;
        var changedAny = false;
        for (var pass = 0; pass < 4; pass++)
        {
            var changed = false;
            if (x < r) { x = r; changed = true; }
            else if (x > width - r) { x = width - r; changed = true; }
            if (y < r) { y = r; changed = true; }
            else if (y > height - r) { y = height - r; changed = true; }
            for (var o = 0; o < _obstacles.Length; o++)
            {
                changed |= PushOutOfObstacle(in _obstacles[o], ref x, ref y, r);
            }
            for (var j = 0; j < bodies.Count; j++)
            {
                if (j == self)
                {
                    continue;
                }
                ref readonly var other = ref bodies[j];
                var dx = x - other.X;
                var dy = y - other.Y;
                var rs = r + other.Radius;
                var d2 = dx * dx + dy * dy;
                if (d2 < rs * rs)
                {
                    var d = MathF.Sqrt(d2);
                    float nx, ny;
                    if (d > 1e-6f)
                    {
                        nx = dx / d;
                        ny = dy / d;
                    }
                    else
                    {
                        nx = t.X - other.X;
                        ny = t.Y - other.Y;
                        var len = MathF.Sqrt(nx * nx + ny * ny);
                        (nx, ny) = len > 1e-6f ? (nx / len, ny / len) : (1f, 0f);
                    }
                    x = other.X + nx * (rs + Skin);
                    y = other.Y + ny * (rs + Skin);
                    changed = true;
                }
            }
            if (!changed)
            {
                break;
            }
            changedAny = true;
        }
        if (changedAny && !IsFree(bodies, self, x, y, r, bodies.Count))
        {
            return true;
        }
        t.X = x;
        t.Y = y;
        return changedAny;
    }

    /// <summary>True when a hull of radius <paramref name="r"/> at (x, y) is inside the map and overlaps no obstacle and
    /// none of bodies 0..<paramref name="bodyLimit"/>-1 other than <paramref name="self"/> (within <see cref="OverlapTolerance"/>).</summary>
    public bool IsFree<TBodies>(TBodies bodies, int self, float x, float y, float r, int bodyLimit)
        where TBodies : ITankBodies
    {
        var e = OverlapTolerance;
        if (x < r - e || x > Width - r + e || y < r - e || y > Height - r + e)
        {
            return false;
        }
        for (var o = 0; o < _obstacles.Length; o++)
        {
            if (ObstaclePenetration(in _obstacles[o], x, y, r) > e)
            {
                return false;
            }
        }
        for (var j = 0; j < bodyLimit; j++)
        {
            if (j == self)
            {
                continue;
            }
            ref readonly var other = ref bodies[j];
            var dx = x - other.X;
            var dy = y - other.Y;
            var rs = r + other.Radius - e;
            if (dx * dx + dy * dy < rs * rs)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>How deep a circle overlaps an obstacle (≤ 0: not at all).</summary>
    private static float ObstaclePenetration(in CompiledObstacle o, float x, float y, float r)
    {
        if (o.Shape == ObstacleShape.Circle)
        {
            var dx = x - o.X;
            var dy = y - o.Y;
            return r + o.Radius - MathF.Sqrt(dx * dx + dy * dy);
        }
        var (lx, ly) = ToLocal(in o, x, y);
        var qx = Math.Clamp(lx, -o.HalfWidth, o.HalfWidth);
        var qy = Math.Clamp(ly, -o.HalfHeight, o.HalfHeight);
        if (qx == lx && qy == ly)
        {
            return r + MathF.Min(o.HalfWidth - MathF.Abs(lx), o.HalfHeight - MathF.Abs(ly));
        }
        var ex = lx - qx;
        var ey = ly - qy;
        return r - MathF.Sqrt(ex * ex + ey * ey);
    }

    private static bool PushOutOfObstacle(in CompiledObstacle o, ref float x, ref float y, float r)
    {
        if (o.Shape == ObstacleShape.Circle)
        {
            var dx = x - o.X;
            var dy = y - o.Y;
            var rs = r + o.Radius;
            var d2 = dx * dx + dy * dy;
            if (d2 >= rs * rs)
            {
                return false;
            }
            var d = MathF.Sqrt(d2);
            var (nx, ny) = d > 1e-6f ? (dx / d, dy / d) : (1f, 0f);
            x = o.X + nx * (rs + Skin);
            y = o.Y + ny * (rs + Skin);
            return true;
        }
        var (lx, ly) = ToLocal(in o, x, y);
        var qx = Math.Clamp(lx, -o.HalfWidth, o.HalfWidth);
        var qy = Math.Clamp(ly, -o.HalfHeight, o.HalfHeight);
        var ex = lx - qx;
        var ey = ly - qy;
        var e2 = ex * ex + ey * ey;
        if (e2 >= r * r)
        {
            return false;
        }
        if (e2 > 1e-12f)
        {
            var d = MathF.Sqrt(e2);
            lx = qx + ex / d * (r + Skin);
            ly = qy + ey / d * (r + Skin);
        }
        else if (o.HalfWidth - MathF.Abs(lx) < o.HalfHeight - MathF.Abs(ly))
        {
            // Centre inside the box (cannot happen with bounded sub-steps, kept for safety): leave by the nearest face.
            lx = (lx < 0 ? -1 : 1) * (o.HalfWidth + r + Skin);
        }
        else
        {
            ly = (ly < 0 ? -1 : 1) * (o.HalfHeight + r + Skin);
        }
        x = o.X + lx * o.Cos - ly * o.Sin;
        y = o.Y + lx * o.Sin + ly * o.Cos;
        return true;
    }

    internal static (float X, float Y) ToLocal(in CompiledObstacle o, float x, float y)
    {
        var dx = x - o.X;
        var dy = y - o.Y;
        return (dx * o.Cos + dy * o.Sin, -dx * o.Sin + dy * o.Cos);
    }
}

/// <summary>An obstacle ready for collision tests (a box's rotation as cos/sin).</summary>
internal readonly struct CompiledObstacle
{
    public readonly ObstacleShape Shape;
    public readonly float X;
    public readonly float Y;
    public readonly float Radius;
    public readonly float HalfWidth;
    public readonly float HalfHeight;
    public readonly float Cos;
    public readonly float Sin;

    public CompiledObstacle(ObstacleDefinition o)
    {
        Shape = o.Shape;
        X = o.X;
        Y = o.Y;
        Radius = o.Radius;
        HalfWidth = o.HalfWidth;
        HalfHeight = o.HalfHeight;
        var a = GameMath.WrapAngle(o.AngleDegrees * GameMath.DegToRad);
        Cos = o.AngleDegrees == 0 ? 1f : MathF.Cos(a);
        Sin = o.AngleDegrees == 0 ? 0f : MathF.Sin(a);
    }
}
