namespace Tanks.Game.Tests;

/// <summary>A battle restored from a checkpoint steps exactly as the battle the checkpoint came from.</summary>
public class CheckpointTests
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

    private static Battle NewBattle(ulong seed, PlayerSlot[]? players = null)
        => new(new BattleSetup(BuiltInMaps.Crossroads, players ?? SevenASide(), seed));

    private static byte[] Bytes(Battle b)
    {
        var bytes = new byte[b.BinarySize];
        Assert.Equal(bytes.Length, b.WriteBinary(bytes));
        return bytes;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(600)]
    [InlineData(2500)]
    public void A_restored_battle_continues_byte_identically(int checkpointTick)
    {
        var original = NewBattle(7);
        var bots = new Bots(11, 14);
        var inputs = new TankInput[14];
        while (original.Tick < checkpointTick && !original.IsOver)
        {
            bots.Fill(original, inputs);
            original.Step(inputs);
        }

        var checkpoint = Bytes(original);
        var restored = NewBattle(7); // the same setup, fresh state (tick 0)
        Assert.True(restored.TryRestore(checkpoint));
        Assert.Equal(checkpoint, Bytes(restored));
        Assert.Equal(original.StateChecksum(), restored.StateChecksum());

        var shellsSeen = 0;
        for (var step = 0; step < 3000 && !original.IsOver; step++)
        {
            bots.Fill(original, inputs); // the same inputs go to both
            original.Step(inputs);
            restored.Step(inputs);
            Assert.Equal(original.Events.ToArray(), restored.Events.ToArray());
            shellsSeen += original.Shells.Length;
        }

        Assert.Equal(Bytes(original), Bytes(restored));
        Assert.Equal(original.Result, restored.Result);
        Assert.True(shellsSeen > 0, "no shell was ever in flight: the test did not cover shells");
    }

    [Fact]
    public void A_checkpoint_of_another_battle_or_damaged_bytes_is_refused_and_changes_nothing()
    {
        var a = NewBattle(1);
        var inputs = new TankInput[14];
        var bots = new Bots(3, 14);
        for (var i = 0; i < 200; i++)
        {
            bots.Fill(a, inputs);
            a.Step(inputs);
        }

        var checkpoint = Bytes(a);
        var players = SevenASide();
        players[3] = players[3] with { PlayerId = 99 }; // another battle: different players
        var other = NewBattle(1, players);
        var before = Bytes(other);
        Assert.False(other.TryRestore(checkpoint));
        Assert.Equal(before, Bytes(other));

        var fresh = NewBattle(1);
        before = Bytes(fresh);
        Assert.False(fresh.TryRestore(checkpoint.AsSpan(0, checkpoint.Length - 1)));
        Assert.False(fresh.TryRestore([]));
        var corrupt = (byte[])checkpoint.Clone();
        BitConverter.GetBytes(float.NaN).CopyTo(corrupt, 52 + 4 * 4 + 8); // first tank's X
        Assert.False(fresh.TryRestore(corrupt));
        Assert.Equal(before, Bytes(fresh));

        // Random bytes never throw.
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var junk = (byte[])checkpoint.Clone();
            junk[random.Next(junk.Length)] ^= (byte)(1 << random.Next(8));
            _ = fresh.TryRestore(junk);
        }
    }
}
