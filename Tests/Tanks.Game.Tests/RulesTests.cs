namespace Tanks.Game.Tests;

public class RulesTests
{
    [Fact]
    public void A_lone_capturer_gains_points_at_the_rate_contested_pauses_leaving_decays()
    {
        var b = World.Duel(); // base at (150, 280), radius 10
        b.Place(0, 150, 280, 0);
        World.Run(b, 20);
        Assert.Equal(2.5f, b.CaptureProgress(0), 3);
        Assert.Equal(0f, b.CaptureProgress(1));
        // Contested: both pause.
        b.Place(1, 150, 272, 0);
        World.Run(b, 40);
        Assert.Equal(2.5f, b.CaptureProgress(0), 3);
        Assert.Equal(0f, b.CaptureProgress(1));
        // The defender leaves: capture resumes.
        b.Place(1, 250, 150, 0);
        World.Run(b, 20);
        Assert.Equal(5f, b.CaptureProgress(0), 3);
        // The capturer leaves: progress decays at 5 points/s.
        b.Place(0, 50, 150, 0);
        World.Run(b, 10);
        Assert.Equal(2.5f, b.CaptureProgress(0), 3);
        World.Run(b, 20);
        Assert.Equal(0f, b.CaptureProgress(0));
        Assert.False(b.IsOver);
    }

    [Fact]
    public void Capturing_the_base_wins_with_progress_events_on_each_whole_point()
    {
        var b = World.Duel();
        b.Place(0, 150, 280, 0);
        var reported = new List<int>();
        while (!b.IsOver && b.Tick < 2000)
        {
            b.Step([]);
            foreach (var e in World.EventsOf(b, BattleEventKind.CaptureProgress))
            {
                Assert.Equal(0, e.Team);
                reported.Add(e.Amount);
            }
        }
        Assert.Equal(new BattleResult(0, BattleEndReason.Captured, 800), b.Result); // 100 points at 2.5/s = 40 s
        Assert.Equal(Enumerable.Range(1, 100), reported);
    }

    [Fact]
    public void More_capturers_capture_faster_up_to_three()
    {
        var b = World.Teams(4, 1); // base at (200, 380), radius 10
        b.Place(0, 195, 380, 0);
        b.Place(1, 205, 380, 0);
        b.Place(2, 200, 385, 0);
        b.Place(3, 200, 375, 0);
        World.Run(b, 20);
        Assert.Equal(7.5f, b.CaptureProgress(0), 3);
    }

    [Fact]
    public void Damage_to_a_capturer_resets_its_team_capture()
    {
        var b = World.Duel();
        b.Place(0, 150, 280, 0);
        b.Place(1, 150, 200, MathF.PI / 2);
        World.Run(b, 100, World.Aim(0), World.Aim(MathF.PI / 2));
        Assert.Equal(12.5f, b.CaptureProgress(0), 2);
        var tick = World.RunUntil(b, BattleEventKind.Hit, 40, World.Aim(0), World.FireAt(MathF.PI / 2));
        Assert.True(tick > 0);
        Assert.True(b.CaptureProgress(0) < 0.2f, $"progress {b.CaptureProgress(0)}");
        Assert.Contains(b.Events.ToArray(), e => e.Kind == BattleEventKind.CaptureProgress && e.Amount == 0);
    }

    [Fact]
    public void Time_up_is_a_draw()
    {
        var b = World.Duel(rules: World.NoJitter with { TimeLimitSeconds = 10 });
        Assert.Equal(200, b.TimeLimitTicks);
        World.Run(b, 199);
        Assert.False(b.IsOver);
        Assert.Equal(1, b.TicksLeft);
        Assert.Equal(0.05f, b.TimeLeftSeconds, 5);
        b.Step([]);
        Assert.Equal(new BattleResult(-1, BattleEndReason.Time, 200), b.Result);
        Assert.True(b.Result.IsDraw);
        Assert.Equal(0, b.TicksLeft);
        var end = Assert.Single(World.EventsOf(b, BattleEventKind.BattleEnded));
        Assert.Equal((-1, (int)BattleEndReason.Time), (end.Team, end.Amount));
    }

    [Fact]
    public void Default_battle_is_seven_minutes_at_20_hz_seven_a_side_spawned_in_zones()
    {
        var players = new PlayerSlot[14];
        for (var i = 0; i < 14; i++)
        {
            players[i] = new PlayerSlot(i / 7, i % 3);
        }
        var b = new Battle(new BattleSetup(BuiltInMaps.Crossroads, players, 42));
        Assert.Equal(20, b.TickRate);
        Assert.Equal(420 * 20, b.TimeLimitTicks);
        Assert.Equal(7, b.AliveCount(0));
        Assert.Equal(7, b.AliveCount(1));
        Invariants.AssertNoOverlaps(b);
        foreach (var t in b.Tanks)
        {
            var zone = b.Map.Spawns[t.Team];
            Assert.InRange(t.X, zone.X - zone.HalfWidth - 1, zone.X + zone.HalfWidth + 1);
            Assert.InRange(t.Y, zone.Y - zone.HalfHeight - 1, zone.Y + zone.HalfHeight + 1);
            Assert.Equal(zone.FacingDegrees * GameMath.DegToRad, t.HullAngle, 5);
            Assert.Equal(t.MaxHitPoints, t.HitPoints);
        }
    }

    [Fact]
    public void Bad_setups_are_rejected()
    {
        var map = World.Open();
        Assert.Throws<ArgumentException>(() => new Battle(new BattleSetup(map, [new PlayerSlot(0, 0)], 1)));
        var eight = new PlayerSlot[9];
        for (var i = 0; i < 8; i++)
        {
            eight[i] = new PlayerSlot(0, 0);
        }
        eight[8] = new PlayerSlot(1, 0);
        Assert.Throws<ArgumentException>(() => new Battle(new BattleSetup(BuiltInMaps.Crossroads, eight, 1)));
        Assert.Throws<ArgumentException>(() => new Battle(new BattleSetup(map, [new PlayerSlot(0, 7), new PlayerSlot(1, 0)], 1)));
        Assert.Throws<ArgumentException>(() => new Battle(new BattleSetup(map, [new PlayerSlot(2, 0), new PlayerSlot(1, 0)], 1)));
        Assert.Throws<ArgumentException>(() => new Battle(new BattleSetup(map, [new PlayerSlot(0, 0), new PlayerSlot(1, 0)], 1) { TickRate = 0 }));
        // Two tanks cannot share a point-sized spawn zone.
        Assert.Throws<ArgumentException>(() => new Battle(new BattleSetup(map, [new PlayerSlot(0, 0), new PlayerSlot(0, 0), new PlayerSlot(1, 0)], 1)));
    }

    [Fact]
    public void Pooled_tanks_are_reset_and_reused_exactly_like_new_ones()
    {
        var setup = new BattleSetup(BuiltInMaps.Crossroads, [new PlayerSlot(0, 0, 7), new PlayerSlot(0, 2, 8), new PlayerSlot(1, 1, 9)], 11);
        var pool = new[] { new Tank(), new Tank(), new Tank() };
        var first = new Battle(setup, pool);
        var bots = new Bots(3, 3);
        var inputs = new TankInput[3];
        for (var i = 0; i < 600; i++)
        {
            bots.Fill(first, inputs);
            first.Step(inputs);
        }
        Assert.True(first.Tanks[0].Stats.Shots > 0);

        var reused = new Battle(setup, pool);
        var fresh = new Battle(setup);
        Assert.Same(pool[1], reused.Tanks[1]);
        Assert.Equal(8, reused.Tanks[1].PlayerId);
        Assert.Equal(default, reused.Tanks[0].Stats);
        Assert.Equal(Binary(fresh), Binary(reused));
    }

    private static byte[] Binary(Battle b)
    {
        var bytes = new byte[b.BinarySize];
        b.WriteBinary(bytes);
        return bytes;
    }
}
