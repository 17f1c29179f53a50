namespace Tanks.Game.Tests;

public class DeterminismTests
{
    private static PlayerSlot[] SevenASide()
    {
        var players = new PlayerSlot[14];
        for (var i = 0; i < 14; i++)
        {
            players[i] = new PlayerSlot(i / 7, i % 3, 1000 + i);
        }
        return players;
    }

    private static Battle NewBattle(ulong seed) => new(new BattleSetup(BuiltInMaps.Crossroads, SevenASide(), seed));

    private static byte[] Bytes(Battle b)
    {
        var bytes = new byte[b.BinarySize];
        Assert.Equal(bytes.Length, b.WriteBinary(bytes));
        return bytes;
    }

    [Fact]
    public void Same_seed_and_inputs_give_byte_identical_states_for_thousands_of_ticks()
    {
        var a = NewBattle(2024);
        var b = NewBattle(2024);
        var botsA = new Bots(77, 14);
        var botsB = new Bots(77, 14);
        var inputsA = new TankInput[14];
        var inputsB = new TankInput[14];
        var events = 0;
        for (var tick = 0; tick < 5000 && !a.IsOver; tick++)
        {
            botsA.Fill(a, inputsA);
            botsB.Fill(b, inputsB);
            a.Step(inputsA);
            b.Step(inputsB);
            Assert.Equal(a.Events.ToArray(), b.Events.ToArray());
            events += a.Events.Length;
            if (tick % 250 == 0)
            {
                Assert.Equal(Bytes(a), Bytes(b));
            }
        }
        Assert.Equal(Bytes(a), Bytes(b));
        Assert.Equal(a.StateChecksum(), b.StateChecksum());
        Assert.Equal(a.Result, b.Result);
        Assert.True(a.Tick > 1000, $"only {a.Tick} ticks");
        // The run was not trivial: shots, hits and damage happened.
        var damage = 0;
        foreach (var t in a.Tanks)
        {
            damage += t.Stats.DamageDealt;
        }
        Assert.True(damage > 1000, $"damage {damage}");
        Assert.True(events > 200, $"events {events}");
    }

    [Fact]
    public void A_different_seed_diverges()
    {
        var a = NewBattle(1);
        var b = NewBattle(2);
        Assert.NotEqual(Bytes(a), Bytes(b)); // spawn jitter
        Assert.NotEqual(a.StateChecksum(), b.StateChecksum());
    }

    [Fact]
    public void One_different_input_diverges()
    {
        var a = NewBattle(5);
        var b = NewBattle(5);
        var bots = new Bots(9, 14);
        var inputs = new TankInput[14];
        for (var tick = 0; tick < 200; tick++)
        {
            bots.Fill(a, inputs);
            a.Step(inputs);
            if (tick == 100)
            {
                inputs[3] = inputs[3] with { Steering = inputs[3].Steering == 0 ? 0.5f : -inputs[3].Steering };
            }
            b.Step(inputs);
        }
        Assert.NotEqual(Bytes(a), Bytes(b));
    }

    [Fact]
    public void Stepping_allocates_nothing_after_warm_up()
    {
        var b = NewBattle(3);
        var bots = new Bots(4, 14);
        var inputs = new TankInput[14];
        var tanks = new TankSnapshot[14];
        var shells = new ShellSnapshot[b.ShellCapacity];
        for (var i = 0; i < 100; i++)
        {
            bots.Fill(b, inputs);
            b.Step(inputs);
            b.WriteTanks(tanks);
            b.WriteShells(shells);
        }
        var eventCount = 0;
        var shellsSeen = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            bots.Fill(b, inputs);
            b.Step(inputs);
            eventCount += b.Events.Length;
            b.WriteTanks(tanks);
            shellsSeen += b.WriteShells(shells);
            _ = b.Header;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.False(b.IsOver);
        Assert.True(eventCount > 100 && shellsSeen > 100, $"events {eventCount}, shells {shellsSeen}");
    }

    [Fact]
    public void State_view_matches_the_tanks_and_shells()
    {
        var b = NewBattle(8);
        var bots = new Bots(8, 14);
        var inputs = new TankInput[14];
        for (var i = 0; i < 60; i++)
        {
            bots.Fill(b, inputs);
            b.Step(inputs);
        }
        var tanks = new TankSnapshot[14];
        var shells = new ShellSnapshot[b.ShellCapacity];
        Assert.Equal(14, b.WriteTanks(tanks));
        var n = b.WriteShells(shells);
        Assert.Equal(b.Shells.Length, n);
        Assert.True(n > 0);
        for (var i = 0; i < 14; i++)
        {
            var t = b.Tanks[i];
            Assert.Equal(
                new TankSnapshot((ushort)i, (byte)t.Team, (byte)t.ClassId, t.X, t.Y, t.HullAngle, t.TurretAngle,
                    t.VelocityX, t.VelocityY, t.HitPoints, t.IsAlive, t.ReloadTicksLeft),
                tanks[i]);
        }
        for (var i = 0; i < n; i++)
        {
            var s = b.Shells[i];
            Assert.Equal(new ShellSnapshot(s.Id, (ushort)s.Owner, s.X, s.Y, s.Angle), shells[i]);
        }
        var h = b.Header;
        Assert.Equal((60, 420 * 20 - 60, 14, n), (h.Tick, h.TicksLeft, h.TankCount, h.ShellCount));
        Assert.Throws<ArgumentException>(() => b.WriteTanks(new TankSnapshot[13]));
    }
}
