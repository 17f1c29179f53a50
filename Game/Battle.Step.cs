namespace Tanks.Game;

public sealed partial class Battle
{
    /// <summary>
    /// Advances the battle by one tick. <paramref name="inputs"/>[i] drives tank i; missing entries (a shorter span) mean
    /// "no input" (stand still, keep the turret, hold fire). Inputs are sanitized. After the battle has ended this only
    /// clears <see cref="Events"/>.
    /// </summary>
    public void Step(ReadOnlySpan<TankInput> inputs)
    {
        if (inputs.Length > _tanks.Length)
        {
            throw new ArgumentException("more inputs than tanks", nameof(inputs));
        }
        _eventCount = 0;
        if (_result.IsOver)
        {
            return;
        }
        _tick++;
        var dt = Dt;

        // 1. Controls: hull turn (carrying the turret), turret traverse, speed, reload.
        for (var i = 0; i < _tanks.Length; i++)
        {
            var t = _tanks[i];
            _fire[i] = false;
            if (!t.IsAlive)
            {
                continue;
            }
            ref readonly var c = ref _classes[t.ClassId];
            var input = i < inputs.Length
                ? inputs[i].Sanitized()
                : new TankInput(0, 0, t.TurretAngle, false);
            var hullTurn = input.Steering * c.HullTurnRate * dt;
            t.HullAngle = GameMath.WrapAngle(t.HullAngle + hullTurn);
            var turret = GameMath.WrapAngle(t.TurretAngle + hullTurn);
            t.TurretAngle = GameMath.RotateTowards(turret, input.TurretYaw, c.TurretTraverseRate * dt);
            var targetSpeed = input.Throttle >= 0 ? input.Throttle * c.MaxForwardSpeed : input.Throttle * c.MaxReverseSpeed;
            t.Speed = GameMath.MoveTowards(t.Speed, targetSpeed, c.Acceleration * dt);
            if (t.ReloadTicksLeft > 0)
            {
                t.ReloadTicksLeft--;
            }
            _fire[i] = input.Fire;
        }

        // 2. Movement with collisions; 3. firing; 4. shells; 5. capture; 6. end of battle.
        MoveTanks(dt);
        for (var i = 0; i < _tanks.Length; i++)
        {
            var t = _tanks[i];
            if (_fire[i] && t.IsAlive && t.ReloadTicksLeft == 0)
            {
                Fire(t);
            }
        }
        AdvanceShells(dt);
        UpdateCapture(dt);
        CheckEnd();
    }

    private void MoveTanks(float dt)
    {
        // Sub-step so that no tank moves more than half the smallest hull radius per sub-step: a tank's centre can then
        // never jump into (let alone across) an obstacle or another hull, so push-out always resolves to the near side.
        var maxMove = 0f;
        foreach (var t in _tanks)
        {
            if (t.IsAlive)
            {
                maxMove = MathF.Max(maxMove, MathF.Abs(t.Speed) * dt);
            }
        }
        var subSteps = Math.Max(1, (int)MathF.Ceiling(maxMove / (0.5f * _minRadius)));
        var subDt = dt / subSteps;
        for (var i = 0; i < _tanks.Length; i++)
        {
            _startX[i] = _tanks[i].X;
            _startY[i] = _tanks[i].Y;
            _blocked[i] = false;
        }
        for (var s = 0; s < subSteps; s++)
        {
            for (var i = 0; i < _tanks.Length; i++)
            {
                var t = _tanks[i];
                if (!t.IsAlive || t.Speed == 0)
                {
                    continue;
                }
                var dirX = MathF.Cos(t.HullAngle);
                var dirY = MathF.Sin(t.HullAngle);
                var step = t.Speed * subDt;
                TryMove(i, t.X + dirX * step, t.Y + dirY * step);
            }
        }
        for (var i = 0; i < _tanks.Length; i++)
        {
            var t = _tanks[i];
            t.VelocityX = (t.X - _startX[i]) / dt;
            t.VelocityY = (t.Y - _startY[i]) / dt;
            if (_blocked[i])
            {
                // Blocked or sliding: the speed along the hull is what the tank actually achieved.
                var achieved = t.VelocityX * MathF.Cos(t.HullAngle) + t.VelocityY * MathF.Sin(t.HullAngle);
                t.Speed = t.Speed > 0 ? Math.Clamp(achieved, 0, t.Speed) : Math.Clamp(achieved, t.Speed, 0);
            }
        }
    }

    /// <summary>
    /// Moves tank <paramref name="self"/> toward (x, y), pushing it out of the map edge, obstacles and other hulls (a few
    /// relaxation passes); if the result still overlaps anything, the tank stays where it was (which is always free).
    /// </summary>
    private void TryMove(int self, float x, float y)
    {
        var t = _tanks[self];
        var r = t.Radius;
        var changedAny = false;
        for (var pass = 0; pass < 4; pass++)
        {
            var changed = false;
            if (x < r) { x = r; changed = true; }
            else if (x > _width - r) { x = _width - r; changed = true; }
            if (y < r) { y = r; changed = true; }
            else if (y > _height - r) { y = _height - r; changed = true; }
            for (var o = 0; o < _obstacles.Length; o++)
            {
                changed |= PushOutOfObstacle(in _obstacles[o], ref x, ref y, r);
            }
            for (var j = 0; j < _tanks.Length; j++)
            {
                if (j == self)
                {
                    continue;
                }
                var other = _tanks[j];
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
        if (changedAny)
        {
            _blocked[self] = true;
            if (!IsFree(self, x, y, r, _tanks.Length))
            {
                return;
            }
        }
        t.X = x;
        t.Y = y;
    }

    /// <summary>True when a hull of radius <paramref name="r"/> at (x, y) is inside the map and overlaps no obstacle and
    /// none of tanks 0..<paramref name="tankLimit"/>-1 other than <paramref name="self"/> (within <see cref="OverlapTolerance"/>).</summary>
    private bool IsFree(int self, float x, float y, float r, int tankLimit)
    {
        var e = OverlapTolerance;
        if (x < r - e || x > _width - r + e || y < r - e || y > _height - r + e)
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
        for (var j = 0; j < tankLimit; j++)
        {
            if (j == self)
            {
                continue;
            }
            var other = _tanks[j];
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

    private static (float X, float Y) ToLocal(in CompiledObstacle o, float x, float y)
    {
        var dx = x - o.X;
        var dy = y - o.Y;
        return (dx * o.Cos + dy * o.Sin, -dx * o.Sin + dy * o.Cos);
    }
}
