using CsCheck;

namespace Tanks.Game.Tests;

public class CollisionTests
{
    [Fact]
    public void Head_on_tanks_stop_touching_and_never_overlap()
    {
        var b = World.Duel();
        var forward = new TankInput(1, 0, 0, false);
        var forward1 = new TankInput(1, 0, MathF.PI, false);
        for (var i = 0; i < 400; i++)
        {
            b.Step([forward, forward1]);
            Invariants.AssertNoOverlaps(b);
        }
        var gap = b.Tanks[1].X - b.Tanks[0].X;
        Assert.InRange(gap, 4f - Invariants.Tolerance, 4.01f);
        Assert.Equal(0f, b.Tanks[0].Speed, 2);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(5)]
    [InlineData(1)]
    public void A_max_speed_tank_never_passes_through_a_thin_wall(int tickRate)
    {
        // A 10 cm thick wall at x = 100; a fast tank (40 m/s: 40 m per tick at 1 Hz) drives straight at it.
        var fast = World.Exact with { MaxForwardSpeed = 40f, Acceleration = 400f };
        var map = World.Open(new ObstacleDefinition(ObstacleShape.Box, 100, 150, HalfWidth: 0.05f, HalfHeight: 60f));
        var b = new Battle(new BattleSetup(map, [new PlayerSlot(0, 0), new PlayerSlot(1, 0)], 3)
        {
            Classes = [fast],
            Rules = World.NoJitter,
            TickRate = tickRate,
        });
        for (var i = 0; i < 10 * tickRate; i++)
        {
            b.Step([new TankInput(1, 0, 0, false), World.Idle(b, 1)]);
            Invariants.AssertNoOverlaps(b);
            Assert.True(b.Tanks[0].X <= 100f - 0.05f - 2f + Invariants.Tolerance, $"tick {b.Tick}: x = {b.Tanks[0].X}");
        }
        Assert.Equal(100f - 0.05f - 2f, b.Tanks[0].X, 2);
    }

    [Fact]
    public void Tank_slides_along_a_rotated_box_and_around_a_rock_without_entering_them()
    {
        var map = World.Open(
            new ObstacleDefinition(ObstacleShape.Box, 80, 150, HalfWidth: 10, HalfHeight: 3, AngleDegrees: 60),
            new ObstacleDefinition(ObstacleShape.Circle, 120, 160, Radius: 5));
        var b = World.Duel(map);
        for (var i = 0; i < 600; i++)
        {
            b.Step([new TankInput(1, i % 200 < 100 ? 0.2f : -0.3f, 0, false), World.Idle(b, 1)]);
            Invariants.AssertNoOverlaps(b);
        }
    }

    [Fact]
    public void Tanks_stay_inside_the_map()
    {
        var b = World.Duel();
        b.Place(0, 10, 10, -3 * MathF.PI / 4);
        for (var i = 0; i < 200; i++)
        {
            b.Step([new TankInput(1, 0, 0, false), new TankInput(-1, 0.1f, 0, false)]);
            Invariants.AssertNoOverlaps(b);
        }
        Assert.Equal(2f, b.Tanks[0].X, 2);
        Assert.Equal(2f, b.Tanks[0].Y, 2);
    }

    private static readonly TankClass Fast = World.Exact with { Name = "fast", MaxForwardSpeed = 30f, Acceleration = 60f, Radius = 1.5f };

    /// <summary>A crowded 120 × 100 arena split by a full-height 10 cm wall at x = 60: team 0 left, team 1 right.</summary>
    private static readonly MapDefinition Arena = new(
        "arena", 120, 100,
        [
            new ObstacleDefinition(ObstacleShape.Box, 60, 50, HalfWidth: 0.05f, HalfHeight: 50),
            new ObstacleDefinition(ObstacleShape.Circle, 30, 70, Radius: 6),
            new ObstacleDefinition(ObstacleShape.Box, 30, 25, HalfWidth: 8, HalfHeight: 2, AngleDegrees: 35),
            new ObstacleDefinition(ObstacleShape.Box, 90, 60, HalfWidth: 0.1f, HalfHeight: 20, AngleDegrees: -20),
            new ObstacleDefinition(ObstacleShape.Circle, 100, 20, Radius: 0.5f),
        ],
        [new SpawnZone(30, 50, 20, 8, 0), new SpawnZone(90, 35, 20, 8, 180)],
        new CaptureZone(90, 90, 8));

    [Fact]
    public void Property_random_inputs_never_overlap_tunnel_or_leave_the_map()
    {
        // Per tank: 12 segments of held input (throttle, steering, yaw, fire); some values are NaN/∞/out of range.
        var value = Gen.Frequency((6, Gen.Float[-1f, 1f]), (2, Gen.Bool.Select(b => b ? 1f : -1f)), (1, Gen.Float));
        var segment = Gen.Select(value, value, Gen.Float[-4f, 4f], Gen.Bool, (t, s, y, f) => new TankInput(t, s, y, f));
        var gen = Gen.Select(Gen.ULong, Gen.Int[1, 30], Gen.Int[1, 4], Gen.Int[1, 4], segment.Array[12 * 8]);
        gen.Sample((seed, tickRate, team0, team1, segments) =>
        {
            var players = new PlayerSlot[team0 + team1];
            for (var i = 0; i < players.Length; i++)
            {
                players[i] = new PlayerSlot(i < team0 ? 0 : 1, i % 2);
            }
            var b = new Battle(new BattleSetup(Arena, players, seed) { Classes = [World.Exact, Fast], TickRate = tickRate });
            var inputs = new TankInput[players.Length];
            var ticks = 300;
            for (var tick = 0; tick < ticks; tick++)
            {
                for (var i = 0; i < inputs.Length; i++)
                {
                    inputs[i] = segments[(tick * 12 / ticks) * 8 + i];
                }
                b.Step(inputs);
                Invariants.AssertNoOverlaps(b);
                foreach (var t in b.Tanks)
                {
                    Assert.True(t.Team == 0 ? t.X < 60 : t.X > 60, $"tick {b.Tick}: tank {t.Id} crossed the wall");
                }
            }
        }, iter: 100);
    }
}
