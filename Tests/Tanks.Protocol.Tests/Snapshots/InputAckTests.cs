using Tanks.Client.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Snapshots;

/// <summary>
/// The input ack: each tank's last applied input sequence travels in the binary world state (not in the delta), the
/// gateway writes one client's value into its snapshot parts, and <see cref="SnapshotReceiver"/> exposes it per tick.
/// </summary>
public sealed class InputAckTests
{
    [Fact]
    public void The_binary_form_carries_each_tanks_last_input_in_order()
    {
        var rng = new Random(5);
        var state = new WorldState();
        state.Clear(SnapshotGen.RandomHeader(rng, 10));
        // Added out of order: the sequences move with their tanks.
        Assert.True(state.TryAddTank(SnapshotGen.RandomTank(rng, 7), 700));
        Assert.True(state.TryAddTank(SnapshotGen.RandomTank(rng, 2), 200));
        Assert.True(state.TryAddTank(SnapshotGen.RandomTank(rng, 5), 0xFFFF_FFFF));
        Assert.True(state.TryAddTank(SnapshotGen.RandomTank(rng, 3)));
        Assert.Equal([200u, 0u, 0xFFFF_FFFFu, 700u], state.LastInputs.ToArray());

        var buffer = new byte[WorldState.MaxBinaryBytes];
        var n = state.WriteTo(buffer);
        Assert.Equal(14 + 4 * 29, n);
        Assert.Equal(2, buffer[0]); // binary version
        Assert.Equal("C8000000", Convert.ToHexString(buffer, 14 + 24, 4)); // tank 2's sequence after its 24 bytes
        var read = new WorldState();
        Assert.Equal(SnapshotReadResult.Ok, WorldState.TryRead(buffer.AsSpan(0, n), read));
        Assert.True(state.ContentEquals(read));
        Assert.Equal(state.LastInputs.ToArray(), read.LastInputs.ToArray());
        Assert.Equal(700u, read.LastInputOf(7));
        Assert.Equal(0u, read.LastInputOf(3));
        Assert.Equal(0u, read.LastInputOf(4)); // no such tank

        var copy = new WorldState();
        copy.CopyFrom(read);
        Assert.Equal(0xFFFF_FFFFu, copy.LastInputOf(5));
    }

    [Fact]
    public void Each_client_gets_its_own_ack_in_a_shared_encoding_and_the_receiver_keeps_it_per_tick()
    {
        var rng = new Random(9);
        var state = SnapshotGen.RandomState(rng, 50);
        var encoder = new SnapshotEncoder();
        var encoded = encoder.Encode(state, null);
        var forA = encoded.Part(0, 41).ToArray();
        var forB = encoded.Part(0, 42).ToArray();
        Assert.Equal("29000000", Convert.ToHexString(forA, 8, 4));
        Assert.Equal(forA.AsSpan(12).ToArray(), forB.AsSpan(12).ToArray()); // only the ack differs
        Assert.Equal("2A000000", Convert.ToHexString(forB, 8, 4));

        var receiver = new SnapshotReceiver();
        Assert.Equal(0u, receiver.LatestInputAck);
        Assert.Equal(SnapshotReadResult.Ok, receiver.Receive(forA));
        Assert.Equal(41u, receiver.LatestInputAck);

        var next = SnapshotGen.Next(rng, state, 1);
        var delta = encoder.Encode(next, state);
        Assert.Equal(SnapshotReadResult.Ok, receiver.Receive(delta.Part(0, 44)));
        Assert.Equal(44u, receiver.LatestInputAck);
        Assert.True(receiver.TryGetInputAck(50, out var older));
        Assert.Equal(41u, older);
        Assert.False(receiver.TryGetInputAck(49, out _));
        receiver.Reset();
        Assert.Equal(0u, receiver.LatestInputAck);
    }

    [Fact]
    public void A_snapshot_in_several_parts_carries_the_ack_of_its_parts()
    {
        var state = SnapshotGen.Huge(new Random(3), 77);
        var encoded = new SnapshotEncoder().Encode(state, null);
        Assert.True(encoded.PartCount > 1);
        var parts = new byte[encoded.PartCount][];
        for (var p = 0; p < parts.Length; p++)
        {
            parts[p] = encoded.Part(p, 1234).ToArray();
        }
        Assert.All(parts.Take(parts.Length - 1), p => Assert.Equal(GameProtocol.MaxMessageBytes, p.Length));
        Assert.Equal(SnapshotLimits.PartDataBytes, GameProtocol.MaxMessageBytes - 12);
        var receiver = new SnapshotReceiver();
        for (var p = parts.Length - 1; p >= 0; p--)
        {
            Assert.Equal(p == 0 ? SnapshotReadResult.Ok : SnapshotReadResult.Incomplete, receiver.Receive(parts[p]));
        }
        Assert.Equal(1234u, receiver.LatestInputAck);
        Assert.True(state.ContentEquals(receiver.Latest!));
    }
}
