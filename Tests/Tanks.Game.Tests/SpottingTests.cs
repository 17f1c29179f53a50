namespace Tanks.Game.Tests;

/// <summary>
/// Spotting with the built-in light (team 0, view 220 m, camouflage 0.35 / 0.25 / 0.10) against the heavy (team 1, view
/// 180 m, camouflage 0.15 / 0.08 / 0.02): the light sees a stationary heavy up to 187 m, a moving one up to 202.4 m, one
/// that fired up to 215.6 m; the heavy sees a stationary light up to 117 m.
/// </summary>
public class SpottingTests
{
    private const float Y = 150f;

    private static Battle LightVsHeavy(float distance, MapDefinition? map = null, params TankClass[] classes)
    {
        var b = new Battle(new BattleSetup(map ?? World.Open(), [new PlayerSlot(0, 0, 1), new PlayerSlot(1, 1, 2)], 1)
        {
            Classes = classes.Length > 0 ? classes : [TankClasses.Light, TankClasses.Heavy],
            Rules = World.NoJitter,
        });
        b.Place(0, 40, Y, 0);
        b.Place(1, 40 + distance, Y, MathF.PI);
        return b;
    }

    private static TankInput Hold(float yaw) => new(0, 0, yaw, false);

    [Fact]
    public void A_stationary_heavy_is_spotted_within_view_range_times_one_minus_camouflage_and_not_beyond()
    {
        var b = LightVsHeavy(186);
        b.Step([Hold(0), Hold(MathF.PI)]);
        Assert.True(b.IsVisibleTo(0, 1));
        Assert.False(b.IsVisibleTo(1, 0)); // 186 m > 117 m
        Assert.Equal((byte)0b01, b.VisibleTo(0));
        Assert.Equal((byte)0b11, b.VisibleTo(1));
        var spotted = Assert.Single(World.EventsOf(b, BattleEventKind.Spotted));
        Assert.Equal((1, 0, 0, 226f, Y), (spotted.Tank, spotted.Target, spotted.Team, spotted.X, spotted.Y));
        Assert.Equal(1, b.LastSpottedTick(0, 1));

        var far = LightVsHeavy(188);
        far.Step([Hold(0), Hold(MathF.PI)]);
        Assert.False(far.IsVisibleTo(0, 1));
        Assert.Empty(World.EventsOf(far, BattleEventKind.Spotted));
        Assert.Equal(-1, far.LastSpottedTick(0, 1));
    }

    [Fact]
    public void Moving_lowers_camouflage()
    {
        var still = LightVsHeavy(195);
        still.Step([Hold(0), Hold(MathF.PI)]);
        Assert.False(still.IsVisibleTo(0, 1));

        var moving = LightVsHeavy(195);
        moving.Place(1, 235, Y, MathF.PI / 2);
        moving.Step([Hold(0), new TankInput(1, 0, MathF.PI / 2, false)]); // 0.15 m/s after one tick: moving
        Assert.True(moving.IsVisibleTo(0, 1));
    }

    [Fact]
    public void Firing_reveals_for_two_seconds_then_the_sighting_decays_for_three_and_is_lost_where_last_seen()
    {
        var b = LightVsHeavy(210);
        b.Step([Hold(0), new TankInput(0, 0, MathF.PI / 2, true)]); // fires north, away from the light
        Assert.True(b.IsVisibleTo(0, 1));
        Assert.Single(World.EventsOf(b, BattleEventKind.Spotted));

        var lost = -1;
        BattleEvent lostEvent = default;
        for (var tick = 2; tick <= 110; tick++)
        {
            b.Step([Hold(0), Hold(MathF.PI / 2)]);
            Assert.Empty(World.EventsOf(b, BattleEventKind.Spotted));
            foreach (var e in World.EventsOf(b, BattleEventKind.Lost))
            {
                (lost, lostEvent) = (tick, e);
            }
            Assert.Equal(tick <= 100, b.IsVisibleTo(0, 1));
        }

        // Firing camouflage on ticks 1..40 (2 s), last spotted on 40, visible 3 s (60 ticks) more, lost on 101.
        Assert.Equal(40, b.LastSpottedTick(0, 1));
        Assert.Equal(101, lost);
        Assert.Equal((1, -1, 0, 250f, Y), (lostEvent.Tank, lostEvent.Target, lostEvent.Team, lostEvent.X, lostEvent.Y));
    }

    [Fact]
    public void Boxes_and_circles_block_sight_and_tanks_do_not()
    {
        var wall = World.Open(new ObstacleDefinition(ObstacleShape.Box, 70, Y, HalfWidth: 10, HalfHeight: 0.2f, AngleDegrees: 90));
        var rock = World.Open(new ObstacleDefinition(ObstacleShape.Circle, 70, Y + 1, Radius: 1.5f));
        foreach (var map in new[] { wall, rock })
        {
            var b = LightVsHeavy(60, map);
            b.Step([Hold(0), Hold(MathF.PI)]);
            Assert.False(b.IsVisibleTo(0, 1));
            Assert.False(b.IsVisibleTo(1, 0));
            Assert.Empty(b.Events.ToArray());
        }

        // A third tank between them does not block.
        var roomy = World.Open() with { Spawns = [new SpawnZone(50, 150, 0, 0, 0), new SpawnZone(250, 150, 0, 30, 180)] };
        var three = new Battle(new BattleSetup(roomy, [new PlayerSlot(0, 0), new PlayerSlot(1, 1), new PlayerSlot(1, 1)], 1)
        {
            Classes = [TankClasses.Light, TankClasses.Heavy],
            Rules = World.NoJitter,
        });
        three.Place(0, 40, Y, 0);
        three.Place(1, 165, Y, 0); // 125 m: sees no light (117 m), is seen through tank 2
        three.Place(2, 70, Y, 0);
        three.Step([Hold(0), Hold(0), Hold(0)]);
        Assert.True(three.IsVisibleTo(0, 1));
        Assert.True(three.IsVisibleTo(1, 0)); // tank 2 sees the light at 30 m
        var spottedLight = Assert.Single(World.EventsOf(three, BattleEventKind.Spotted), e => e.Tank == 0);
        Assert.Equal(2, spottedLight.Target);
    }

    [Fact]
    public void Within_the_proximity_range_camouflage_does_not_help_but_walls_still_do()
    {
        var myopic = TankClasses.Medium with { ViewRange = 50, CamouflageStationary = 0.9f };
        var open = LightVsHeavy(39, null, myopic, myopic);
        open.Step([Hold(0), Hold(MathF.PI)]);
        Assert.True(open.IsVisibleTo(0, 1)); // 50 · 0.1 = 5 m, but 39 m ≤ 40 m
        Assert.True(open.IsVisibleTo(1, 0));

        var beyond = LightVsHeavy(41, null, myopic, myopic);
        beyond.Step([Hold(0), Hold(MathF.PI)]);
        Assert.False(beyond.IsVisibleTo(0, 1));

        var wall = World.Open(new ObstacleDefinition(ObstacleShape.Box, 60, Y, HalfWidth: 0.2f, HalfHeight: 10));
        var hidden = LightVsHeavy(39, wall, myopic, myopic);
        hidden.Step([Hold(0), Hold(MathF.PI)]);
        Assert.False(hidden.IsVisibleTo(0, 1));
    }

    [Fact]
    public void A_shell_is_seen_by_its_team_and_by_a_team_that_saw_its_shooter_fire()
    {
        var b = LightVsHeavy(186);
        b.Step([World.FireAt(0), World.FireAt(MathF.PI)]);
        // The light fired unseen (firing camouflage: the heavy sees it at 162 m), the heavy fired seen.
        Assert.False(b.IsVisibleTo(1, 0));
        var shells = b.Shells.ToArray().OrderBy(s => s.Owner).ToArray();
        Assert.Equal(2, shells.Length);
        Assert.Equal((byte)0b01, shells[0].SeenBy);
        Assert.Equal((byte)0b11, shells[1].SeenBy);
        var shots = World.EventsOf(b, BattleEventKind.ShotFired).OrderBy(e => e.Tank).ToArray();
        Assert.Equal(((byte)0b01, (byte)0b11), (shots[0].SeenBy, shots[1].SeenBy));
    }

    [Fact]
    public void Events_go_only_to_teams_that_learn_no_hidden_position_from_them()
    {
        // Light vs light at 150 m: a stationary light is seen at 143 m, a firing one at 198 m.
        var b = LightVsHeavy(150, null, TankClasses.Light, TankClasses.Light);
        b.Step([World.FireAt(0), Hold(MathF.PI)]);
        var shot = Assert.Single(World.EventsOf(b, BattleEventKind.ShotFired));
        Assert.Equal((byte)0b11, shot.SeenBy); // the shooter gave itself away
        var spotted = Assert.Single(World.EventsOf(b, BattleEventKind.Spotted));
        Assert.Equal((0, 1, (byte)0b11), (spotted.Tank, spotted.Team, spotted.SeenBy));
        Assert.False(b.IsVisibleTo(0, 1));

        var hit = World.RunUntil(b, BattleEventKind.Hit, 40, Hold(0), Hold(MathF.PI));
        Assert.Equal(12, hit);
        var e = Assert.Single(World.EventsOf(b, BattleEventKind.Hit));
        Assert.Equal((0, 1), (e.Tank, e.Target));
        Assert.Equal((byte)0b10, e.SeenBy); // team 0 does not see where its shell found the hidden light
    }

    [Fact]
    public void A_wreck_is_seen_by_both_teams()
    {
        var glass = TankClasses.Light with { HitPoints = 1 };
        var b = LightVsHeavy(186, null, TankClasses.Light, glass);
        for (var i = 0; i < 40 && b.Tanks[1].IsAlive; i++)
        {
            b.Step([World.FireAt(0), Hold(MathF.PI)]);
        }
        Assert.False(b.Tanks[1].IsAlive);
        Assert.Equal((byte)0b11, b.VisibleTo(1));
        Assert.Empty(World.EventsOf(b, BattleEventKind.Lost));
    }
}
