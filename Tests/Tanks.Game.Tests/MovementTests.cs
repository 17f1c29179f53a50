namespace Tanks.Game.Tests;

public class MovementTests
{
    [Fact]
    public void Tank_accelerates_at_its_rate_up_to_top_speed_and_no_further()
    {
        var b = World.Duel();
        var full = new TankInput(1, 0, 0, false);
        World.Run(b, 20, full, World.Idle(b, 1)); // 1 s at 5 m/s²
        Assert.Equal(5f, b.Tanks[0].Speed, 3);
        World.Run(b, 20, full, World.Idle(b, 1));
        Assert.Equal(10f, b.Tanks[0].Speed, 3);
        World.Run(b, 40, full, World.Idle(b, 1));
        Assert.Equal(10f, b.Tanks[0].Speed);
        Assert.Equal(10f, b.Tanks[0].VelocityX, 3);
        // Distance: 10 m while accelerating for 2 s (trapezoid, discrete) plus 2 s at 10 m/s.
        Assert.InRange(b.Tanks[0].X - 50f, 30f, 31.5f);
        Assert.Equal(150f, b.Tanks[0].Y, 3);
    }

    [Fact]
    public void Reverse_is_limited_to_reverse_top_speed_and_half_throttle_to_half_speed()
    {
        var b = World.Duel();
        World.Run(b, 60, new TankInput(-1, 0, 0, false), World.Idle(b, 1));
        Assert.Equal(-4f, b.Tanks[0].Speed);
        Assert.True(b.Tanks[0].X < 50f);
        World.Run(b, 60, new TankInput(0.5f, 0, 0, false), World.Idle(b, 1));
        Assert.Equal(5f, b.Tanks[0].Speed);
        World.Run(b, 60, new TankInput(0, 0, 0, false), World.Idle(b, 1));
        Assert.Equal(0f, b.Tanks[0].Speed);
    }

    [Fact]
    public void Hull_turns_at_its_rate_and_carries_the_turret()
    {
        var b = World.Duel();
        // Steering +1 for 0.5 s at 90°/s = 45° to the left; the turret is told to stay at 0 but is carried and traverses back at 45°/s.
        World.Run(b, 10, new TankInput(0, 1, 0, false), World.Idle(b, 1));
        Assert.Equal(MathF.PI / 4, b.Tanks[0].HullAngle, 4);
        // Each tick: +4.5° carried, -2.25° traversed toward 0 => +2.25° net per tick.
        Assert.Equal(MathF.PI / 8, b.Tanks[0].TurretAngle, 4);
        World.Run(b, 10, new TankInput(0, -1, 0, false), World.Idle(b, 1));
        Assert.Equal(0f, b.Tanks[0].HullAngle, 4);
    }

    [Fact]
    public void Turret_traverses_the_shorter_way_at_its_rate_and_stops_on_target()
    {
        var b = World.Duel();
        var target = -MathF.PI / 2; // 90° to the right: 2 s at 45°/s
        World.Run(b, 20, World.Aim(target), World.Idle(b, 1));
        Assert.Equal(-MathF.PI / 4, b.Tanks[0].TurretAngle, 4);
        World.Run(b, 30, World.Aim(target), World.Idle(b, 1));
        Assert.Equal(target, b.Tanks[0].TurretAngle, 5);
        // Across the ±π seam: from -90° to +170° is 100° the short way (through 180°), not 260°.
        World.Run(b, 1, World.Aim(170 * GameMath.DegToRad), World.Idle(b, 1));
        Assert.Equal((-90 - 2.25f) * GameMath.DegToRad, b.Tanks[0].TurretAngle, 4);
    }

    [Fact]
    public void Bad_inputs_are_sanitized()
    {
        var b = World.Duel();
        World.Run(b, 100, new TankInput(float.NaN, float.PositiveInfinity, float.NaN, false), World.Idle(b, 1));
        Assert.Equal(50f, b.Tanks[0].X);
        Assert.Equal(0f, b.Tanks[0].HullAngle);
        World.Run(b, 100, new TankInput(7f, 0, float.NegativeInfinity, false), World.Idle(b, 1));
        Assert.Equal(10f, b.Tanks[0].Speed); // clamped to 1
        Assert.Equal(0f, b.Tanks[0].TurretAngle);
        Assert.Equal(new TankInput(-1, 1, 0, true), new TankInput(-3, 2, GameMath.TwoPi, true).Sanitized());
    }

    [Fact]
    public void Missing_inputs_mean_idle_and_too_many_are_rejected()
    {
        var b = World.Duel();
        b.Step([]);
        Assert.Equal(1, b.Tick);
        Assert.Throws<ArgumentException>(() => b.Step(new TankInput[3]));
    }

    [Fact]
    public void Angles_wrap_into_minus_pi_to_pi()
    {
        Assert.Equal(MathF.PI, GameMath.WrapAngle(-MathF.PI));
        Assert.Equal(0.5f, GameMath.WrapAngle(0.5f + 4 * MathF.PI), 4);
        Assert.Equal(0f, GameMath.WrapAngle(float.NaN));
        Assert.Equal(-0.1f, GameMath.AngleDelta(0.05f, -0.05f), 5);
    }
}
