using Tanks.Client.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Snapshots;

/// <summary>When the encoder sends full snapshots, how it splits, and what the receiver makes of parts and hostile bytes.</summary>
public sealed class SnapshotEncoderTests
{
    private readonly SnapshotEncoder _encoder = new();
    private readonly SnapshotHistory _history = new();

    private WorldState StoreChain(Random rng, uint from, int count)
    {
        var state = SnapshotGen.RandomState(rng, from, maxTanks: 14, maxShells: 20);
        for (var i = 0; i < count; i++)
        {
            _history.Store(state);
            state = SnapshotGen.Next(rng, state, 1);
        }
        return _history.Store(state);
    }

    [Fact]
    public void No_ack_gives_a_full_snapshot()
    {
        var current = StoreChain(new Random(1), 10, 5);
        var encoded = _encoder.Encode(current, _history, default);
        Assert.True(encoded.IsFull);
        Assert.Equal(1, encoded.PartCount);
        Assert.Equal(GameMessageReadResult.Ok, SnapshotMessage.TryRead(encoded.Part(0), out var part));
        Assert.Equal(0, part.BaselineAge);
        Assert.Equal(current.Tick, part.Tick);
    }

    [Fact]
    public void A_recent_ack_gives_a_delta_naming_its_baseline()
    {
        var current = StoreChain(new Random(2), 10, 5);
        var ack = new SnapshotAck();
        ack.Acknowledge(12);
        ack.Acknowledge(11); // reordered older ack: ignored
        var encoded = _encoder.Encode(current, _history, ack);
        Assert.False(encoded.IsFull);
        Assert.Equal(3, encoded.BaselineAge);
        Assert.Equal(GameMessageReadResult.Ok, SnapshotMessage.TryRead(encoded.Part(0), out var part));
        Assert.Equal(12u, part.BaselineTick);
    }

    [Fact]
    public void A_baseline_older_than_the_window_or_unknown_gives_a_full_snapshot()
    {
        var current = StoreChain(new Random(3), 100, 40); // ticks 100..140
        var ack = new SnapshotAck();
        ack.Acknowledge(current.Tick - 33);
        Assert.True(_encoder.Encode(current, _history, ack).IsFull);
        ack.Reset();
        ack.Acknowledge(current.Tick - 32);
        Assert.Equal(32, _encoder.Encode(current, _history, ack).BaselineAge);
        ack.Reset();
        ack.Acknowledge(5_000); // a tick the history never held
        Assert.True(_encoder.Encode(current, _history, ack).IsFull);
        ack.Reset();
        ack.Acknowledge(InputMessage.NoSnapshot);
        Assert.False(ack.HasAck);
        Assert.True(new SnapshotEncoder(maxBaselineAge: 4).Encode(current, _history.TryGet(current.Tick - 5, out var old) ? old : null).IsFull);
    }

    [Fact]
    public void A_huge_state_is_split_into_parts_that_reassemble_in_any_order()
    {
        var huge = SnapshotGen.Huge(new Random(4), 50);
        var encoded = _encoder.Encode(huge, null);
        Assert.True(encoded.PartCount > 1, $"{encoded.PartCount} parts");
        var parts = new List<byte[]>();
        for (var i = 0; i < encoded.PartCount; i++)
        {
            Assert.True(encoded.Part(i).Length <= GameProtocol.MaxMessageBytes);
            parts.Add(encoded.Part(i).ToArray());
        }
        Assert.Equal(GameProtocol.MaxMessageBytes, parts[0].Length);

        var receiver = new SnapshotReceiver();
        Assert.Equal(InputMessage.NoSnapshot, receiver.AckTick);
        parts.Reverse();
        for (var i = 0; i < parts.Count - 1; i++)
        {
            Assert.Equal(SnapshotReadResult.Incomplete, receiver.Receive(parts[i]));
            Assert.Equal(SnapshotReadResult.Duplicate, receiver.Receive(parts[i]));
        }
        Assert.Equal(SnapshotReadResult.Ok, receiver.Receive(parts[^1]));
        Assert.True(huge.ContentEquals(receiver.Latest!));
        Assert.Equal(50u, receiver.AckTick);
        Assert.Equal(SnapshotReadResult.Duplicate, receiver.Receive(parts[0]));
    }

    [Fact]
    public void A_missing_part_leaves_the_snapshot_undecoded()
    {
        var encoded = _encoder.Encode(SnapshotGen.Huge(new Random(5), 60), null);
        var receiver = new SnapshotReceiver();
        for (var i = 1; i < encoded.PartCount; i++)
        {
            Assert.Equal(SnapshotReadResult.Incomplete, receiver.Receive(encoded.Part(i)));
        }
        Assert.Null(receiver.Latest);
        Assert.Equal(InputMessage.NoSnapshot, receiver.AckTick);
    }

    [Fact]
    public void A_delta_against_a_tick_the_client_lacks_is_dropped()
    {
        var current = StoreChain(new Random(6), 10, 5);
        var ack = new SnapshotAck();
        ack.Acknowledge(13);
        var encoded = _encoder.Encode(current, _history, ack);
        var receiver = new SnapshotReceiver();
        Assert.Equal(SnapshotReadResult.BaselineMissing, receiver.Receive(encoded.Part(0)));
        Assert.Null(receiver.Latest);
    }

    [Fact]
    public void Hostile_snapshot_payloads_give_verdicts()
    {
        var receiver = new SnapshotReceiver();
        var rng = new Random(8);
        var payload = new byte[GameProtocol.MaxMessageBytes];
        var current = StoreChain(rng, 10, 3);
        var full = _encoder.Encode(current, null);
        Assert.Equal(SnapshotReadResult.Ok, receiver.Receive(full.Part(0)));
        for (var i = 0; i < 50_000; i++)
        {
            var length = rng.Next(0, payload.Length + 1);
            rng.NextBytes(payload.AsSpan(0, length));
            if (length >= 8 && rng.Next(2) == 0)
            {
                payload[0] = (byte)GameMessageType.Snapshot;
                payload[1] = GameProtocol.Version;
                payload[2] = (byte)(current.Tick + rng.Next(1, 4)); // a plausible tick
                payload[3] = payload[4] = payload[5] = 0;
                payload[6] = (byte)rng.Next(0, 5);
                payload[7] = (byte)(rng.Next(3) == 0 ? rng.Next(256) : 0);
            }
            var result = receiver.Receive(payload.AsSpan(0, length));
            Assert.True(Enum.IsDefined(result));
            if (result == SnapshotReadResult.Ok)
            {
                // Random bits that happen to decode are a valid state (no MAC at this layer; netcode authenticates packets).
                Assert.True(receiver.Latest!.Tanks.Length <= SnapshotLimits.MaxTanks);
                receiver.Reset();
                Assert.Equal(SnapshotReadResult.Ok, receiver.Receive(full.Part(0)));
            }
        }
        Assert.True(receiver.TryGetState(current.Tick, out var still));
        Assert.True(current.ContentEquals(still));
        Assert.Equal(SnapshotReadResult.BaselineTooOld, receiver.Receive(BuildPart(current.Tick + 40, 33)));
        Assert.Equal(SnapshotReadResult.BadMessage, receiver.Receive([0x83, 1, 0]));
    }

    private static byte[] BuildPart(uint tick, byte age)
    {
        var buffer = new byte[16];
        var n = SnapshotMessage.WritePart(buffer, tick, age, 0, 1, [0]);
        return buffer[..n];
    }

    [Fact]
    public void Stale_snapshots_are_ignored()
    {
        var rng = new Random(9);
        var receiver = new SnapshotReceiver();
        var old = SnapshotGen.RandomState(rng, 10);
        var oldBytes = _encoder.Encode(old, null).Part(0).ToArray();
        var newer = SnapshotGen.RandomState(rng, 100);
        Assert.Equal(SnapshotReadResult.Ok, receiver.Receive(_encoder.Encode(newer, null).Part(0)));
        Assert.Equal(SnapshotReadResult.Stale, receiver.Receive(oldBytes));
        Assert.Equal(100u, receiver.AckTick);
    }
}
