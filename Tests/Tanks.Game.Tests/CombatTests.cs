namespace Tanks.Game.Tests;

public class CombatTests
{
    /// <summary>Tank 0 fires east at tank 1 (placed at x = 100) until it is destroyed; 3 hits of 100 kill a 300 HP tank.</summary>
    private static void KillTank1(Battle b)
    {
        for (var i = 0; i < 200 && b.Tanks[1].IsAlive; i++)
        {
            b.Step([World.FireAt(0), World.Idle(b, 1)]);
        }
    }

    [Fact]
    public void Hit_points_reaching_zero_destroy_the_tank_credit_the_kill_and_end_the_battle()
    {
        var b = World.Duel();
        b.Place(1, 100, 150, 0);
        KillTank1(b);
        var t = b.Tanks[1];
        Assert.False(t.IsAlive);
        Assert.Equal(0, t.HitPoints);
        Assert.Equal(0, t.KilledBy);
        var destroyed = Assert.Single(World.EventsOf(b, BattleEventKind.TankDestroyed));
        Assert.Equal((0, 1), (destroyed.Tank, destroyed.Target));
        Assert.Equal(new BattleResult(0, BattleEndReason.Destroyed, b.Tick), b.Result);
        var end = Assert.Single(World.EventsOf(b, BattleEventKind.BattleEnded));
        Assert.Equal((0, (int)BattleEndReason.Destroyed), (end.Team, end.Amount));

        var s0 = b.Tanks[0].Stats;
        Assert.Equal((3, 3, 300, 1, 0), (s0.Shots, s0.Hits, s0.DamageDealt, s0.Kills, s0.DamageReceived));
        var s1 = t.Stats;
        Assert.Equal((0, 0, 300, 0), (s1.Shots, s1.DamageDealt, s1.DamageReceived, s1.Kills));

        // After the end nothing moves and Step only clears events.
        var tick = b.Tick;
        b.Step([new TankInput(1, 1, 1, true), World.Idle(b, 1)]);
        Assert.Equal(tick, b.Tick);
        Assert.Empty(b.Events.ToArray());
    }

    [Fact]
    public void A_dead_tank_is_inert_but_its_wreck_blocks_tanks_and_shells()
    {
        var b = World.Teams(2, 2);
        // Tank 2 (team 1) at x = 100 dies; tank 3 (team 1) keeps the battle going; tank 1 waits behind the wreck's line.
        b.Place(0, 50, 150, 0);
        b.Place(1, 50, 250, 0);
        b.Place(2, 100, 150, MathF.PI);
        b.Place(3, 300, 350, 0);
        var inputs = new TankInput[4];
        for (var i = 0; i < 200 && b.Tanks[2].IsAlive; i++)
        {
            inputs[0] = World.FireAt(0);
            b.Step(inputs);
        }
        Assert.False(b.Tanks[2].IsAlive);
        Assert.False(b.IsOver);
        var (x, y, hull) = (b.Tanks[2].X, b.Tanks[2].Y, b.Tanks[2].HullAngle);
        inputs[2] = new TankInput(1, 1, 1, true);
        inputs[0] = new TankInput(1, 0, 0, false);
        World.Run(b, 200, inputs);
        Assert.Equal((x, y, hull, 0f), (b.Tanks[2].X, b.Tanks[2].Y, b.Tanks[2].HullAngle, b.Tanks[2].Speed));
        Assert.Equal(0, b.Tanks[2].Stats.Shots);
        Assert.Equal(100f - 4f, b.Tanks[0].X, 2); // stopped by the wreck
        Assert.Equal(150f, b.Tanks[0].Y, 2);

        // A shell into the wreck stops there with no damage; tank 3 behind it is unharmed.
        b.Place(3, 200, 150, 0);
        inputs[0] = World.FireAt(0);
        inputs[2] = default;
        World.Run(b, 30, inputs);
        Assert.Equal(300, b.Tanks[3].HitPoints);
        Assert.Equal(3, b.Tanks[0].Stats.Hits);
    }

    [Fact]
    public void Friendly_fire_is_off_by_default_shells_stop_on_team_mates_without_damage()
    {
        var b = World.Teams(2, 1);
        b.Place(0, 50, 150, 0);
        b.Place(1, 100, 150, 0);
        b.Place(2, 300, 350, 0);
        var inputs = new TankInput[3];
        inputs[0] = World.FireAt(0);
        var hits = 0;
        for (var i = 0; i < 100; i++)
        {
            b.Step(inputs);
            foreach (var h in World.EventsOf(b, BattleEventKind.Hit))
            {
                Assert.Equal((1, 0), (h.Target, h.Amount));
                hits++;
            }
        }
        Assert.Equal(5, hits);
        Assert.Equal(300, b.Tanks[1].HitPoints);
        Assert.Equal(0, b.Tanks[0].Stats.Hits);
        Assert.Equal(0, b.Tanks[0].Stats.FriendlyDamageDealt);
    }

    [Fact]
    public void Friendly_fire_when_enabled_damages_team_mates_but_earns_no_kills_or_hits()
    {
        var b = World.Teams(2, 1, World.NoJitter with { FriendlyFire = true });
        b.Place(0, 50, 150, 0);
        b.Place(1, 100, 150, 0);
        b.Place(2, 300, 350, 0);
        var inputs = new TankInput[3];
        inputs[0] = World.FireAt(0);
        World.Run(b, 100, inputs);
        Assert.False(b.Tanks[1].IsAlive);
        var s = b.Tanks[0].Stats;
        Assert.Equal((300, 0, 0, 0), (s.FriendlyDamageDealt, s.DamageDealt, s.Hits, s.Kills));
        Assert.Equal(300, b.Tanks[1].Stats.DamageReceived);
        Assert.Equal(0, b.Tanks[1].KilledBy);
        Assert.False(b.IsOver); // team 0 still has tank 0
    }

    [Fact]
    public void Destroying_every_enemy_wins_in_a_bigger_battle_and_stats_add_up()
    {
        var b = World.Teams(3, 3, seed: 5);
        // Line up team 1 in front of team 0's guns, each pair on its own row.
        for (var i = 0; i < 3; i++)
        {
            b.Place(i, 50, 100 + 50 * i, 0);
            b.Place(3 + i, 100, 100 + 50 * i, MathF.PI);
        }
        var inputs = new TankInput[6];
        for (var i = 0; i < 3; i++)
        {
            inputs[i] = World.FireAt(0);
            inputs[3 + i] = World.Aim(MathF.PI);
        }
        // Team 1 only aims; team 0 fires: team 0 destroys all three.
        var ticks = 0;
        while (!b.IsOver && ticks++ < 400)
        {
            b.Step(inputs);
        }
        Assert.Equal(0, b.Result.Winner);
        Assert.Equal(BattleEndReason.Destroyed, b.Result.Reason);
        var dealt = 0;
        var received = 0;
        foreach (var t in b.Tanks)
        {
            dealt += t.Stats.DamageDealt;
            received += t.Stats.DamageReceived;
        }
        Assert.Equal(900, dealt);
        Assert.Equal(dealt, received);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal((1, 3), (b.Tanks[i].Stats.Kills, b.Tanks[i].Stats.Hits));
        }
    }
}
