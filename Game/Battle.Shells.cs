namespace Tanks.Game;

public sealed partial class Battle
{
    private void Fire(Tank t)
    {
        ref readonly var c = ref _classes[t.ClassId];
        if (_shellCount == _shells.Length)
        {
            // Cannot happen: capacity covers every tank firing as fast as it reloads for a full shell lifetime.
            throw new InvalidOperationException("shell pool exhausted");
        }
        var angle = t.TurretAngle;
        if (c.Dispersion > 0)
        {
            angle = GameMath.WrapAngle(angle + c.Dispersion * _random.NextSigned());
        }
        var dirX = MathF.Cos(angle);
        var dirY = MathF.Sin(angle);
        // The muzzle is on the hull's edge; the shell's first segment is flown on the tick it is fired.
        var x = t.X + dirX * t.Radius;
        var y = t.Y + dirY * t.Radius;
        var id = _nextShellId++;
        _shells[_shellCount++] = new Shell
        {
            Id = id,
            Owner = t.Id,
            Team = t.Team,
            X = x,
            Y = y,
            Angle = angle,
            DirX = dirX,
            DirY = dirY,
            Speed = c.ShellSpeed,
            RangeLeft = c.ShellRange,
            Damage = c.ShellDamage,
            FiredTick = _tick,
        };
        t.ReloadTicksLeft = c.ReloadTicks;
        t.StatsField.Shots++;
        AddEvent(BattleEventKind.ShotFired, t.Id, -1, t.Team, id, 0, x, y, angle);
    }

    private void AdvanceShells(float dt)
    {
        var i = 0;
        while (i < _shellCount)
        {
            ref var s = ref _shells[i];
            var length = MathF.Min(s.Speed * dt, s.RangeLeft);
            var sx = s.X;
            var sy = s.Y;
            var dx = s.DirX * length;
            var dy = s.DirY * length;
            var best = 2f;
            var reason = ShellStopReason.RangeExhausted;
            var target = -1;

            var edge = SegmentLeavesMap(sx, sy, dx, dy);
            if (edge <= 1f)
            {
                best = edge;
                reason = ShellStopReason.MapEdge;
            }
            var obstacles = _world.Obstacles;
            for (var o = 0; o < obstacles.Length; o++)
            {
                var hit = SegmentObstacle(in obstacles[o], sx, sy, dx, dy);
                if (hit < best)
                {
                    best = hit;
                    reason = ShellStopReason.Obstacle;
                }
            }
            for (var j = 0; j < _tanks.Length; j++)
            {
                var tank = _tanks[j];
                if (j == s.Owner)
                {
                    continue;
                }
                var hit = SegmentCircle(sx, sy, dx, dy, tank.X, tank.Y, tank.Radius);
                if (hit < best)
                {
                    best = hit;
                    target = j;
                }
            }

            if (best > 1f)
            {
                s.X = sx + dx;
                s.Y = sy + dy;
                s.RangeLeft -= length;
                if (s.RangeLeft > 0)
                {
                    i++;
                    continue;
                }
                AddEvent(BattleEventKind.ShellStopped, s.Owner, -1, s.Team, s.Id, (int)ShellStopReason.RangeExhausted, s.X, s.Y, 0f, s.SeenBy);
            }
            else
            {
                var hx = sx + dx * best;
                var hy = sy + dy * best;
                if (target >= 0)
                {
                    ApplyHit(in s, _tanks[target], hx, hy);
                }
                else
                {
                    AddEvent(BattleEventKind.ShellStopped, s.Owner, -1, s.Team, s.Id, (int)reason, hx, hy, 0f, s.SeenBy);
                }
            }
            // Remove by swapping in the last shell, which has not been advanced yet this tick.
            _shells[i] = _shells[--_shellCount];
            _shells[_shellCount] = default;
        }
    }

    private void ApplyHit(in Shell s, Tank target, float x, float y)
    {
        var shooter = _tanks[s.Owner];
        var friendly = target.Team == s.Team;
        var damage = 0;
        if (target.IsAlive && (!friendly || Rules.FriendlyFire))
        {
            var spread = _classes[shooter.ClassId].DamageSpread;
            var rolled = spread > 0 ? MathF.Round(s.Damage * (1f + spread * _random.NextSigned())) : s.Damage;
            damage = Math.Min((int)rolled, target.HitPoints);
        }
        AddEvent(BattleEventKind.Hit, s.Owner, target.Id, s.Team, s.Id, damage, x, y);
        if (damage <= 0)
        {
            return;
        }
        target.HitPoints -= damage;
        target.StatsField.DamageReceived += damage;
        if (friendly)
        {
            shooter.StatsField.FriendlyDamageDealt += damage;
        }
        else
        {
            shooter.StatsField.DamageDealt += damage;
            shooter.StatsField.Hits++;
            if (Rules.ResetCaptureOnDamage && InBase(target))
            {
                SetCapture(target.Team, 0);
            }
        }
        if (target.HitPoints <= 0)
        {
            target.HitPoints = 0;
            target.IsAlive = false;
            target.Speed = 0;
            target.VelocityX = 0;
            target.VelocityY = 0;
            target.KilledBy = shooter.Id;
            target.DestroyedTick = _tick;
            if (!friendly)
            {
                shooter.StatsField.Kills++;
            }
            AddEvent(BattleEventKind.TankDestroyed, shooter.Id, target.Id, target.Team, s.Id, 0, target.X, target.Y);
        }
    }

    /// <summary>The fraction t in [0, 1] at which p + t·d leaves the map, 0 if p is outside, or 2 if it never leaves.</summary>
    private float SegmentLeavesMap(float px, float py, float dx, float dy)
    {
        if (px < 0 || px > _width || py < 0 || py > _height)
        {
            return 0f;
        }
        var t = 2f;
        var ex = px + dx;
        var ey = py + dy;
        if (ex < 0) t = MathF.Min(t, px / -dx);
        else if (ex > _width) t = MathF.Min(t, (_width - px) / dx);
        if (ey < 0) t = MathF.Min(t, py / -dy);
        else if (ey > _height) t = MathF.Min(t, (_height - py) / dy);
        return t;
    }

    /// <summary>The first t in [0, 1] at which p + t·d touches the circle (0 if p starts inside), or 2.</summary>
    private static float SegmentCircle(float px, float py, float dx, float dy, float cx, float cy, float r)
    {
        var fx = px - cx;
        var fy = py - cy;
        var c = fx * fx + fy * fy - r * r;
        if (c <= 0)
        {
            return 0f;
        }
        var b = fx * dx + fy * dy;
        if (b >= 0)
        {
            return 2f; // moving away
        }
        var a = dx * dx + dy * dy;
        var disc = b * b - a * c;
        if (disc < 0 || a == 0)
        {
            return 2f;
        }
        var t = (-b - MathF.Sqrt(disc)) / a;
        return t <= 1f ? MathF.Max(t, 0f) : 2f;
    }

    private static float SegmentObstacle(in CompiledObstacle o, float px, float py, float dx, float dy)
    {
        if (o.Shape == ObstacleShape.Circle)
        {
            return SegmentCircle(px, py, dx, dy, o.X, o.Y, o.Radius);
        }
        // Slab test in the box's frame.
        var (lx, ly) = MotionWorld.ToLocal(in o, px, py);
        var ldx = dx * o.Cos + dy * o.Sin;
        var ldy = -dx * o.Sin + dy * o.Cos;
        var tMin = 0f;
        var tMax = 1f;
        if (!Slab(lx, ldx, o.HalfWidth, ref tMin, ref tMax) || !Slab(ly, ldy, o.HalfHeight, ref tMin, ref tMax))
        {
            return 2f;
        }
        return tMin;
    }

    private static bool Slab(float p, float d, float half, ref float tMin, ref float tMax)
    {
        if (MathF.Abs(d) < 1e-9f)
        {
            return p >= -half && p <= half;
        }
        var inv = 1f / d;
        var t1 = (-half - p) * inv;
        var t2 = (half - p) * inv;
        if (t1 > t2)
        {
            (t1, t2) = (t2, t1);
        }
        tMin = MathF.Max(tMin, t1);
        tMax = MathF.Min(tMax, t2);
        return tMin <= tMax;
    }
}
