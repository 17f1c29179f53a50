using CsCheck;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Snapshots;

/// <summary>decode(encode(state, baseline), baseline) == state, for thousands of random pairs; full snapshots; hostile data.</summary>
public sealed class DeltaCodecTests
{
    private static readonly byte[] Buffer = new byte[SnapshotLimits.MaxEncodedBytes];

    private static void AssertRoundTrip(WorldState current, WorldState? baseline)
    {
        var buffer = new byte[SnapshotLimits.MaxEncodedBytes];
        var n = DeltaCodec.Encode(current, baseline, buffer);
        Assert.True(n > 0);
        var decoded = new WorldState();
        Assert.Equal(SnapshotReadResult.Ok, DeltaCodec.Decode(buffer.AsSpan(0, n), current.Tick, baseline, decoded));
        Assert.Equal(current.Header, decoded.Header);
        Assert.Equal(current.Tanks.ToArray(), decoded.Tanks.ToArray());
        Assert.Equal(current.Shells.ToArray(), decoded.Shells.ToArray());
    }

    [Fact]
    public void Plausible_next_states_round_trip_against_their_baseline()
    {
        Gen.Select(Gen.Int, Gen.Int[1, 40]).Sample((seed, ticks) =>
        {
            var rng = new Random(seed);
            var baseline = SnapshotGen.RandomState(rng, (uint)rng.Next());
            var current = SnapshotGen.Next(rng, baseline, (uint)ticks);
            AssertRoundTrip(current, baseline);
        }, iter: 5_000, threads: 1);
    }

    [Fact]
    public void Unrelated_random_states_round_trip_against_each_other_and_in_full()
    {
        Gen.Int.Sample(seed =>
        {
            var rng = new Random(seed);
            var baseline = SnapshotGen.RandomState(rng, (uint)rng.Next());
            var current = SnapshotGen.RandomState(rng, (uint)rng.Next());
            AssertRoundTrip(current, baseline);
            AssertRoundTrip(current, null);
        }, iter: 3_000, threads: 1);
    }

    [Fact]
    public void Chains_of_states_round_trip_tick_after_tick()
    {
        Gen.Int.Sample(seed =>
        {
            var rng = new Random(seed);
            var state = SnapshotGen.RandomState(rng, 1000);
            for (var i = 0; i < 50; i++)
            {
                var next = SnapshotGen.Next(rng, state, (uint)rng.Next(1, 4));
                AssertRoundTrip(next, state);
                state = next;
            }
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void An_unchanged_tank_costs_one_bit_and_an_unchanged_world_a_few_bytes()
    {
        var rng = new Random(1);
        var baseline = SnapshotGen.RandomState(rng, 100, maxTanks: 0, maxShells: 0);
        baseline.Clear(baseline.Header);
        for (var i = 0; i < 14; i++)
        {
            baseline.AddTank(SnapshotGen.RandomTank(rng, (ushort)i) with { Reload = 0, Speed = 0, TurnRate = 0 });
        }
        for (var i = 0; i < 20; i++)
        {
            baseline.AddShell(SnapshotGen.RandomShell(rng, (uint)(500 + i), 100));
        }
        var current = new WorldState();
        current.CopyFrom(baseline);
        current.Header = baseline.Header with { Tick = 103, TicksLeft = (ushort)Math.Max(0, baseline.Header.TicksLeft - 3) };

        var n = DeltaCodec.Encode(current, baseline, Buffer);
        // 4 header bits + 1 "same roster" + 14 tank bits + 1 + 1 (no shells removed or added) = 21 bits.
        Assert.Equal(3, n);
        AssertRoundTrip(current, baseline);
        var full = DeltaCodec.Encode(current, null, Buffer);
        Assert.True(full > 20 * n, $"full {full} bytes");
    }

    [Fact]
    public void A_tank_driving_a_steady_curve_costs_few_bits()
    {
        // Simulate a tank at 10 m/s turning 30°/s at 20 Hz with float maths, quantize each tick, delta against 3 ticks back.
        const int TickRate = 20;
        var states = new List<WorldState>();
        float x = 100, y = 100, hull = 0.3f;
        for (var tick = 0u; tick < 40; tick++)
        {
            var turn = 30f * MathF.PI / 180f;
            hull += turn / TickRate;
            x += 10f * MathF.Cos(hull) / TickRate;
            y += 10f * MathF.Sin(hull) / TickRate;
            var state = new WorldState();
            state.Clear(new SnapshotHeader(tick, 0, 0, 0, SnapshotHeader.NoWinner, 0));
            state.AddTank(SnapshotQuantizer.Tank(0, 0, 1, x, y, hull, 1f, 1000, true, 0,
                10f * MathF.Cos(hull), 10f * MathF.Sin(hull), turn, TickRate));
            states.Add(state);
        }
        var bits = 0;
        for (var i = 10; i < states.Count; i++)
        {
            var n = DeltaCodec.Encode(states[i], states[i - 3], Buffer);
            bits += n * 8;
            AssertRoundTrip(states[i], states[i - 3]);
        }
        // Without prediction the position and hull deltas alone would take ~40 bits a tick.
        Assert.True(bits / 30.0 <= 24, $"{bits / 30.0:F1} bits per tick");
    }

    [Fact]
    public void The_prediction_table_is_the_same_everywhere()
    {
        // Encoder and decoder must predict identically: the table is built without libm; pin its content.
        long hash = 17;
        for (var a = 0; a < 65536; a += 16)
        {
            hash = hash * 31 + IntegerTrig.CosOf((ushort)a);
        }
        Assert.Equal(16384, IntegerTrig.CosOf(0));
        Assert.Equal(0, IntegerTrig.CosOf(16384));
        Assert.Equal(16384, IntegerTrig.SinOf(16384));
        Assert.Equal(-16384, IntegerTrig.SinOf(49152));
        Assert.Equal(11585, IntegerTrig.CosOf(8192)); // cos 45° × 2^14
        Assert.Equal(TableHash, hash);
    }

    private const long TableHash = 1102650435778248721;

    [Fact]
    public void Empty_states_round_trip()
    {
        var empty = new WorldState();
        empty.Clear(new SnapshotHeader(5, 0, 0, 0, SnapshotHeader.NoWinner, 0));
        AssertRoundTrip(empty, null);
        var next = new WorldState();
        next.Clear(empty.Header with { Tick = 6 });
        AssertRoundTrip(next, empty);
    }

    [Fact]
    public void The_largest_state_round_trips_and_needs_several_parts()
    {
        var rng = new Random(2);
        var huge = SnapshotGen.Huge(rng, 77);
        var n = DeltaCodec.Encode(huge, null, Buffer);
        Assert.True(n > SnapshotLimits.PartDataBytes, $"{n} bytes");
        Assert.True(n <= SnapshotLimits.MaxEncodedBytes);
        AssertRoundTrip(huge, null);
        AssertRoundTrip(SnapshotGen.Next(rng, huge, 1), huge);
    }

    /// <summary>
    /// The most bits each field can take against the empty baseline: every header field changed, 64 tanks in full, 256 shells
    /// each with an absolute id (gaps over 65535), owner 65535 (a 33-bit gamma), an absolute spawn tick.
    /// </summary>
    internal static WorldState Largest()
    {
        var state = new WorldState();
        state.Clear(new SnapshotHeader(1_000_000, ushort.MaxValue, 100, 100, SnapshotHeader.NoWinner, 4));
        for (var i = 0; i < SnapshotLimits.MaxTanks; i++)
        {
            state.AddTank(new QuantizedTank((ushort)(i * 1000), 1, 2, SnapshotQuantizer.MaxCoordinate, 12_345, 40_000, 50_000,
                65_535, true, 255, -32_767, 32_767));
        }
        for (var i = 0; i < SnapshotLimits.MaxShells; i++)
        {
            state.AddShell(new QuantizedShell((uint)(i + 1) * 65_537, ushort.MaxValue, SnapshotQuantizer.MaxCoordinate, 0, 65_535,
                65_535, 1_000_000 - 70_000));
        }
        return state;
    }

    [Fact]
    public void The_largest_state_the_limits_allow_is_6770_bytes_in_6_parts()
    {
        var largest = Largest();
        // header 45 + roster 1 + count(64) 13 + 64 × 161 + count(0) 1 + count(256) 17 + 256 × (33 id + 33 owner + 72 + 33 spawn)
        Assert.Equal(45 + 1 + 13 + 64 * 161 + 1 + 17 + 256 * 171, DeltaCodec.EncodedBits(largest, null));
        Assert.Equal(6_770, DeltaCodec.Encode(largest, null, Buffer));
        var encoded = new SnapshotEncoder().Encode(largest, null);
        Assert.Equal(6, encoded.PartCount);
        Assert.Equal(6_770 + 6 * SnapshotLimits.PartHeaderBytes, encoded.TotalBytes);
        AssertRoundTrip(largest, null);
        // No field choice gives more: random states at the limits stay below it.
        var rng = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            Assert.True(DeltaCodec.Encode(SnapshotGen.Huge(rng, (uint)rng.Next()), null, Buffer) < 6_770);
        }
    }

    [Fact]
    public void A_new_shell_against_a_baseline_without_shells_costs_its_gamma_code_not_32_bits()
    {
        var baseline = new WorldState();
        baseline.Clear(new SnapshotHeader(400, 8000, 0, 0, SnapshotHeader.NoWinner, 0));
        var current = new WorldState();
        current.Clear(baseline.Header with { Tick = 401, TicksLeft = 7999 });
        current.AddShell(new QuantizedShell(57, 3, 100, 200, 0, 1800, 401));
        // 4 header + 1 roster + count(0) tanks 1 + count(0) removed 1 + count(1) 3 + relative 1 + gamma(57) 11 + gamma(4) 5
        // + 72 + recent 1 + gamma(1) 1 = 101 (v1: 1 + 32 for the id, 121).
        Assert.Equal(101, DeltaCodec.EncodedBits(current, baseline));
        AssertRoundTrip(current, baseline);
        current.Clear(current.Header);
        current.AddShell(new QuantizedShell(70_000, 3, 100, 200, 0, 1800, 401)); // gamma(70000) would be 33 bits: absolute
        Assert.Equal(101 - 12 + 33, DeltaCodec.EncodedBits(current, baseline));
        AssertRoundTrip(current, baseline);
    }

    [Fact]
    public void Hostile_bytes_give_a_verdict_not_an_exception()
    {
        var into = new WorldState();
        Gen.Select(Gen.Int, Gen.Byte.Array[0, 2000]).Sample((seed, bytes) =>
        {
            var rng = new Random(seed);
            var baseline = rng.Next(3) == 0 ? null : SnapshotGen.RandomState(rng, 10);
            var result = DeltaCodec.Decode(bytes, 12, baseline, into);
            Assert.True(Enum.IsDefined(result));
            if (result != SnapshotReadResult.Ok)
            {
                Assert.Equal(0, into.Tanks.Length);
            }
            Assert.True(into.Tanks.Length <= SnapshotLimits.MaxTanks && into.Shells.Length <= SnapshotLimits.MaxShells);
        }, iter: 20_000, threads: 1);
    }

    [Fact]
    public void Truncated_and_bit_flipped_encodings_give_a_verdict_not_an_exception()
    {
        var into = new WorldState();
        Gen.Select(Gen.Int, Gen.Int[0, 100_000], Gen.Int[0, 7]).Sample((seed, cut, bit) =>
        {
            var rng = new Random(seed);
            var baseline = SnapshotGen.RandomState(rng, 10);
            var current = SnapshotGen.Next(rng, baseline, 2);
            var buffer = new byte[SnapshotLimits.MaxEncodedBytes];
            var n = DeltaCodec.Encode(current, baseline, buffer);
            var truncated = DeltaCodec.Decode(buffer.AsSpan(0, cut % n), 12, baseline, into);
            Assert.Equal(SnapshotReadResult.Truncated, truncated); // the last byte always holds data bits
            buffer[cut % n] ^= (byte)(1 << bit);
            _ = DeltaCodec.Decode(buffer.AsSpan(0, n), 12, baseline, into);
            Assert.True(into.Tanks.Length <= SnapshotLimits.MaxTanks);
        }, iter: 10_000, threads: 1);
    }
}
