namespace Tanks.Game.Tests;

public class ShellTests
{
    [Fact]
    public void Shell_takes_travel_time_then_hits_and_damages_the_target()
    {
        var b = World.Duel();
        b.Place(1, 150, 150, MathF.PI);
        // Muzzle at x = 52, target hull surface at x = 148: 96 m at 10 m per tick => the 10th segment reaches it.
        b.Step([World.FireAt(0), World.Idle(b, 1)]);
        var shot = Assert.Single(World.EventsOf(b, BattleEventKind.ShotFired));
        Assert.Equal(0, shot.Tank);
        Assert.Equal(52f, shot.X, 3);
        Assert.Equal(1, b.Shells.Length);
        Assert.Equal(62f, b.Shells[0].X, 3);
        var hitTick = World.RunUntil(b, BattleEventKind.Hit, 100, World.Aim(0), World.Idle(b, 1));
        Assert.Equal(10, hitTick);
        var hit = Assert.Single(World.EventsOf(b, BattleEventKind.Hit));
        Assert.Equal((0, 1, 100), (hit.Tank, hit.Target, hit.Amount));
        Assert.Equal(148f, hit.X, 2);
        Assert.Equal(shot.ShellId, hit.ShellId);
        Assert.Equal(200, b.Tanks[1].HitPoints);
        Assert.Equal(0, b.Shells.Length);
    }

    [Fact]
    public void A_fast_shell_does_not_tunnel_through_a_hull_between_two_ticks()
    {
        // 300 m per tick at 1 Hz, through a 4 m wide hull.
        var b = new Battle(new BattleSetup(World.Open(), [new PlayerSlot(0, 0), new PlayerSlot(1, 0)], 1)
        {
            Classes = [World.Exact with { ShellSpeed = 300f }],
            Rules = World.NoJitter,
            TickRate = 1,
        });
        b.Place(1, 101, 150, 0);
        b.Step([World.FireAt(0), World.Idle(b, 1)]);
        Assert.Single(World.EventsOf(b, BattleEventKind.Hit));
        Assert.Equal(200, b.Tanks[1].HitPoints);
    }

    [Fact]
    public void Shell_stops_at_an_obstacle_and_the_tank_behind_is_unharmed()
    {
        var b = World.Duel(World.Open(new ObstacleDefinition(ObstacleShape.Box, 100, 150, HalfWidth: 0.1f, HalfHeight: 10)));
        b.Place(1, 150, 150, MathF.PI);
        b.Step([World.FireAt(0), World.Idle(b, 1)]);
        var tick = World.RunUntil(b, BattleEventKind.ShellStopped, 100, World.Aim(0), World.Idle(b, 1));
        var stop = Assert.Single(World.EventsOf(b, BattleEventKind.ShellStopped));
        Assert.Equal((int)ShellStopReason.Obstacle, stop.Amount);
        Assert.Equal(99.9f, stop.X, 2);
        Assert.Equal(5, tick); // 47.9 m from the muzzle at 10 m per tick
        World.Run(b, 40, World.Aim(0), World.Idle(b, 1));
        Assert.Equal(300, b.Tanks[1].HitPoints);
        Assert.Equal(0, b.Tanks[0].Stats.Hits);
    }

    [Theory]
    [InlineData(90f, 99f)]  // 10 × 2 box turned upright: its face at x = 99
    [InlineData(0f, 95f)]   // lying flat: its end at x = 95
    [InlineData(45f, 98.586f)] // diagonal: the long faces cross y = 150 at x = 100 ± 1 / sin 45°
    public void Shell_stops_on_the_face_of_a_rotated_box(float angleDegrees, float expectedX)
    {
        var box = new ObstacleDefinition(ObstacleShape.Box, 100, 150, HalfWidth: 5, HalfHeight: 1, AngleDegrees: angleDegrees);
        var b = World.Duel(World.Open(box));
        b.Place(1, 150, 250, 0);
        b.Step([World.FireAt(0), World.Idle(b, 1)]);
        World.RunUntil(b, BattleEventKind.ShellStopped, 20, World.Aim(0), World.Idle(b, 1));
        var stop = Assert.Single(World.EventsOf(b, BattleEventKind.ShellStopped));
        Assert.Equal((int)ShellStopReason.Obstacle, stop.Amount);
        // Cross-check with the independent distance function: the impact point lies on the box's surface.
        Assert.Equal(0f, Invariants.Distance(box, stop.X, stop.Y), 3);
        Assert.Equal(expectedX, stop.X, 2);
        Assert.Equal(150f, stop.Y, 3);
    }

    [Fact]
    public void Shell_stops_at_the_map_edge_and_at_the_end_of_its_range()
    {
        var b = World.Duel();
        b.Place(0, 50, 150, MathF.PI); // facing (and aiming) west: 48 m from the muzzle to the edge
        b.Step([World.FireAt(MathF.PI), World.Idle(b, 1)]);
        var tick = World.RunUntil(b, BattleEventKind.ShellStopped, 20, World.Aim(MathF.PI), World.Idle(b, 1));
        Assert.Equal(5, tick);
        var edge = Assert.Single(World.EventsOf(b, BattleEventKind.ShellStopped));
        Assert.Equal((int)ShellStopReason.MapEdge, edge.Amount);
        Assert.Equal(0f, edge.X, 3);

        var ranged = new Battle(new BattleSetup(World.Open(), [new PlayerSlot(0, 0), new PlayerSlot(1, 0)], 1)
        {
            Classes = [World.Exact with { ShellRange = 55f }],
            Rules = World.NoJitter,
        });
        ranged.Place(0, 100, 100, MathF.PI / 2);
        ranged.Step([World.FireAt(MathF.PI / 2), World.Idle(ranged, 1)]);
        tick = World.RunUntil(ranged, BattleEventKind.ShellStopped, 20, World.Aim(MathF.PI / 2), World.Idle(ranged, 1));
        Assert.Equal(6, tick); // 55 m at 10 m per tick
        var expired = Assert.Single(World.EventsOf(ranged, BattleEventKind.ShellStopped));
        Assert.Equal((int)ShellStopReason.RangeExhausted, expired.Amount);
        Assert.Equal(102f + 55f, expired.Y, 2);
    }

    [Fact]
    public void Reload_limits_the_rate_of_fire()
    {
        var b = World.Duel();
        var shots = 0;
        for (var i = 0; i < 60; i++)
        {
            b.Step([World.FireAt(MathF.PI / 2), World.Idle(b, 1)]);
            shots += World.EventsOf(b, BattleEventKind.ShotFired).Count;
        }
        Assert.Equal(3, shots); // ticks 1, 21, 41 with a 1 s reload at 20 Hz
        Assert.Equal(3, b.Tanks[0].Stats.Shots);
    }

    [Fact]
    public void Dispersion_and_damage_spread_stay_within_their_bounds()
    {
        var cls = World.Exact with { DamageSpread = 0.25f, DispersionDegrees = 2f, ReloadSeconds = 0.05f, HitPoints = 100_000 };
        var b = new Battle(new BattleSetup(World.Open(), [new PlayerSlot(0, 0), new PlayerSlot(1, 0)], 99)
        {
            Classes = [cls],
            Rules = World.NoJitter,
        });
        b.Place(1, 80, 150, 0);
        var damages = new HashSet<int>();
        for (var i = 0; i < 200; i++)
        {
            b.Step([World.FireAt(0), World.Idle(b, 1)]);
            foreach (var s in b.Shells)
            {
                Assert.InRange(GameMath.AngleDelta(0, s.Angle), -2f * GameMath.DegToRad, 2f * GameMath.DegToRad);
            }
            foreach (var h in World.EventsOf(b, BattleEventKind.Hit))
            {
                Assert.InRange(h.Amount, 75, 125);
                damages.Add(h.Amount);
            }
        }
        Assert.True(damages.Count > 10, "damage should vary");
    }
}
