namespace Tanks.Game;

/// <summary>
/// One tick of a tank's controls and movement, the rules of <see cref="Battle.Step"/> steps 1 (controls) and 2 (movement
/// with collisions), free of the rest of the battle: <see cref="Battle"/> runs exactly this code, and so does a client
/// that predicts its own tank. Pure and allocation-free.
/// </summary>
public static class TankMotion
{
    /// <summary>
    /// Hull turn (carrying the turret), turret traverse toward the target yaw, speed toward the throttle's target.
    /// <paramref name="input"/> must be sanitized (<see cref="TankInput.Sanitized"/>); the body must be alive.
    /// </summary>
    public static void ApplyControls(ref TankBody t, in TankMotionStats c, in TankInput input, float dt)
    {
        var hullTurn = input.Steering * c.HullTurnRate * dt;
        t.HullAngle = GameMath.WrapAngle(t.HullAngle + hullTurn);
        var turret = GameMath.WrapAngle(t.TurretAngle + hullTurn);
        t.TurretAngle = GameMath.RotateTowards(turret, input.TurretYaw, c.TurretTraverseRate * dt);
        var targetSpeed = input.Throttle >= 0 ? input.Throttle * c.MaxForwardSpeed : input.Throttle * c.MaxReverseSpeed;
        t.Speed = GameMath.MoveTowards(t.Speed, targetSpeed, c.Acceleration * dt);
    }

    /// <summary>
    /// How many sub-steps a tick needs so that no alive tank moves more than half the smallest hull radius
    /// (<paramref name="minRadius"/>) per sub-step: a centre can then never jump into, let alone across, an obstacle or
    /// another hull, so push-out always resolves to the near side.
    /// </summary>
    public static int SubSteps<TBodies>(TBodies bodies, float dt, float minRadius)
        where TBodies : ITankBodies
    {
        var maxMove = 0f;
        for (var i = 0; i < bodies.Count; i++)
        {
            ref readonly var t = ref bodies[i];
            if (t.IsAlive)
            {
                maxMove = MathF.Max(maxMove, MathF.Abs(t.Speed) * dt);
            }
        }
        return Math.Max(1, (int)MathF.Ceiling(maxMove / (0.5f * minRadius)));
    }

    /// <summary>
    /// Moves every alive body with a speed along its hull for one tick of <paramref name="subSteps"/> sub-steps, in index
    /// order, with collisions (<see cref="MotionWorld.TryMove"/>); then sets each body's velocity to what it achieved and,
    /// for a blocked one, its speed to the achieved speed along the hull. The spans are scratch space, one per body.
    /// </summary>
    public static void Move<TBodies>(
        MotionWorld world, TBodies bodies, float dt, int subSteps, Span<float> startX, Span<float> startY, Span<bool> blocked)
        where TBodies : ITankBodies
    {
        var count = bodies.Count;
        var subDt = dt / subSteps;
        for (var i = 0; i < count; i++)
        {
            ref readonly var t = ref bodies[i];
            startX[i] = t.X;
            startY[i] = t.Y;
            blocked[i] = false;
        }
        for (var s = 0; s < subSteps; s++)
        {
            for (var i = 0; i < count; i++)
            {
                ref readonly var t = ref bodies[i];
                if (!t.IsAlive || t.Speed == 0)
                {
                    continue;
                }
                var dirX = MathF.Cos(t.HullAngle);
                var dirY = MathF.Sin(t.HullAngle);
                var step = t.Speed * subDt;
                blocked[i] |= world.TryMove(bodies, i, t.X + dirX * step, t.Y + dirY * step);
            }
        }
        for (var i = 0; i < count; i++)
        {
            ref var t = ref bodies[i];
            t.VelocityX = (t.X - startX[i]) / dt;
            t.VelocityY = (t.Y - startY[i]) / dt;
            if (blocked[i])
            {
                // Blocked or sliding: the speed along the hull is what the tank actually achieved.
                var achieved = t.VelocityX * MathF.Cos(t.HullAngle) + t.VelocityY * MathF.Sin(t.HullAngle);
                t.Speed = t.Speed > 0 ? Math.Clamp(achieved, 0, t.Speed) : Math.Clamp(achieved, t.Speed, 0);
            }
        }
    }
}
