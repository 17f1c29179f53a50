using CsCheck;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Snapshots;

/// <summary>The grain → gateway binary form, the bit streams and the quantizer.</summary>
public sealed class WorldStateTests
{
    [Fact]
    public void Binary_form_round_trips()
    {
        Gen.Int.Sample(seed =>
        {
            var rng = new Random(seed);
            var state = rng.Next(20) == 0 ? SnapshotGen.Huge(rng, 5) : SnapshotGen.RandomState(rng, (uint)rng.Next());
            var buffer = new byte[WorldState.MaxBinaryBytes];
            var n = state.WriteTo(buffer);
            Assert.Equal(state.BinarySize, n);
            var read = new WorldState();
            Assert.Equal(SnapshotReadResult.Ok, WorldState.TryRead(buffer.AsSpan(0, n), read));
            Assert.True(state.ContentEquals(read));
            Assert.Equal(SnapshotReadResult.Truncated, WorldState.TryRead(buffer.AsSpan(0, n - 1), read));
        }, iter: 1_000, threads: 1);
    }

    [Fact]
    public void Hostile_binary_forms_give_a_verdict()
    {
        var read = new WorldState();
        Gen.Byte.Array[0, 3000].Sample(bytes =>
        {
            if (bytes.Length > 0)
            {
                bytes[0] = WorldState.BinaryVersion;
            }
            Assert.True(Enum.IsDefined(WorldState.TryRead(bytes, read)));
        }, iter: 20_000, threads: 1);
    }

    [Fact]
    public void Bit_streams_round_trip_any_widths()
    {
        Gen.Select(Gen.UInt, Gen.Int[0, 32]).Array[1, 200].Sample(values =>
        {
            var buffer = new byte[5000];
            var w = new BitWriter(buffer);
            foreach (var (v, bits) in values)
            {
                w.Write(v, bits);
                w.WriteGamma(v == 0 ? 1 : v);
            }
            var n = w.Flush();
            Assert.False(w.Overflowed);
            var r = new BitReader(buffer.AsSpan(0, n));
            foreach (var (v, bits) in values)
            {
                Assert.Equal(bits == 32 ? v : v & ((1u << bits) - 1), r.Read(bits));
                Assert.Equal(v == 0 ? 1 : v, r.ReadGamma());
            }
            Assert.False(r.Overflowed);
            Assert.True(r.BitsLeft < 8);
        }, iter: 2_000, threads: 1);
    }

    [Fact]
    public void Bit_streams_flag_overflow_instead_of_throwing()
    {
        var small = new byte[2];
        var w = new BitWriter(small);
        w.Write(0xFFFF, 16);
        Assert.False(w.Overflowed);
        w.Write(1, 1);
        w.Flush();
        Assert.True(w.Overflowed);

        var r = new BitReader(small);
        Assert.Equal(0xFFFFu, r.Read(16));
        Assert.Equal(0u, r.Read(1));
        Assert.True(r.Overflowed);

        var zeros = new BitReader(new byte[8]);
        Assert.Equal(1u, zeros.ReadGamma()); // 64 zero bits: more than 31 leading zeros
        Assert.True(zeros.Malformed);
        Assert.Equal(-3, new BitReader([0b101]).ReadSigned(3));
    }

    [Fact]
    public void Quantizer_rounds_clamps_and_wraps()
    {
        Assert.Equal(12_346, SnapshotQuantizer.Position(123.456f));
        Assert.Equal(0, SnapshotQuantizer.Position(-5f));
        Assert.Equal(0, SnapshotQuantizer.Position(float.NaN));
        Assert.Equal(SnapshotQuantizer.MaxCoordinate, SnapshotQuantizer.Position(1e9f));
        Assert.Equal(0, SnapshotQuantizer.Angle(0));
        Assert.Equal(16384, SnapshotQuantizer.Angle(MathF.PI / 2));
        Assert.Equal(32768, SnapshotQuantizer.Angle(MathF.PI));
        Assert.Equal(49152, SnapshotQuantizer.Angle(-MathF.PI / 2));
        Assert.Equal(0, SnapshotQuantizer.Angle(2 * MathF.PI - 1e-6f));
        Assert.Equal(0, SnapshotQuantizer.Angle(float.PositiveInfinity));
        Assert.Equal(MathF.PI, SnapshotQuantizer.AngleToRadians(32768), 5);
        Assert.Equal(2600, SnapshotQuantizer.Speed(260f));
        Assert.Equal(100, SnapshotQuantizer.Progress(120f));
        Assert.Equal(0, SnapshotQuantizer.Progress(-1f));
        // Floored like Game's capture events (whole points), not rounded: 99.6 is 99 until it reaches 100.
        var header = SnapshotQuantizer.Header(7, -3, 12.4f, 99.6f, -1, 3);
        Assert.Equal(new SnapshotHeader(7, 0, 12, 99, SnapshotHeader.NoWinner, 3), header);
        Assert.Equal(100, SnapshotQuantizer.Header(7, 0, 0f, 100f, -1, 0).Capture1);
        var tank = SnapshotQuantizer.Tank(3, 1, 2, 1.005f, 2f, MathF.PI, -MathF.PI / 2, 70_000, true, 300);
        Assert.Equal(new QuantizedTank(3, 1, 2, 100, 200, 32768, 49152, 65535, true, 255), tank with { X = 100 });
    }

    [Fact]
    public void A_shell_keeps_its_launch_record_while_the_previous_state_has_it()
    {
        var previous = new WorldState();
        previous.Clear(new SnapshotHeader(10, 0, 0, 0, SnapshotHeader.NoWinner, 0));
        var first = SnapshotQuantizer.Shell(5, 2, 10f, 20f, 0.5f, 230f, 10, null);
        Assert.Equal(new QuantizedShell(5, 2, 1000, 2000, SnapshotQuantizer.Angle(0.5f), 2300, 10), first);
        previous.AddShell(first);
        var later = SnapshotQuantizer.Shell(5, 2, 21.5f, 26.3f, 0.5f, 230f, 11, previous);
        Assert.Equal(first, later);
        Assert.Equal(11u, SnapshotQuantizer.Shell(6, 2, 1f, 1f, 0f, 230f, 11, previous).SpawnTick);
    }

    [Fact]
    public void States_keep_ids_sorted_and_reject_duplicates()
    {
        var state = new WorldState();
        state.Clear(default);
        var rng = new Random(1);
        Assert.True(state.TryAddTank(SnapshotGen.RandomTank(rng, 5)));
        Assert.True(state.TryAddTank(SnapshotGen.RandomTank(rng, 2)));
        Assert.False(state.TryAddTank(SnapshotGen.RandomTank(rng, 5)));
        Assert.Equal([2, 5], state.Tanks.ToArray().Select(t => (int)t.Id));
        Assert.True(state.TryAddShell(SnapshotGen.RandomShell(rng, 9, 0)));
        Assert.True(state.TryAddShell(SnapshotGen.RandomShell(rng, 3, 0)));
        Assert.True(state.TryGetShell(9, out _));
        Assert.False(state.TryGetShell(4, out _));
        Assert.Throws<InvalidOperationException>(() => state.AddShell(SnapshotGen.RandomShell(rng, 3, 0)));
    }
}
