using Tanks.Client.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Snapshots;

/// <summary>After warm-up the per-tick paths allocate nothing (the GC's per-thread counter, not a timing).</summary>
public sealed class AllocationTests
{
    [Fact]
    public void Encoding_decoding_and_receiving_allocate_nothing_per_tick()
    {
        var rng = new Random(11);
        const int Ticks = 200;
        var states = new WorldState[Ticks];
        states[0] = SnapshotGen.RandomState(rng, 1, maxTanks: 14, maxShells: 20);
        for (var i = 1; i < Ticks; i++)
        {
            states[i] = SnapshotGen.Next(rng, states[i - 1], 1);
        }
        var history = new SnapshotHistory();
        var encoder = new SnapshotEncoder();
        var receiver = new SnapshotReceiver();
        var interpolation = new InterpolationBuffer(20);
        var tanks = new InterpolatedTank[SnapshotLimits.MaxTanks];
        var shells = new InterpolatedShell[SnapshotLimits.MaxShells];
        var decoded = new WorldState();
        var scratch = new byte[SnapshotLimits.MaxEncodedBytes];
        var binary = new byte[WorldState.MaxBinaryBytes];
        var input = new byte[InputMessage.Size];
        var checksum = 0L;

        Run(); // warm-up: JIT, tiering
        Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(checksum > 0);

        void Run()
        {
            history.Clear();
            receiver.Reset();
            interpolation.Clear();
            var ack = new SnapshotAck();
            for (var i = 0; i < Ticks; i++)
            {
                var n = states[i].WriteTo(binary);
                WorldState.TryRead(binary.AsSpan(0, n), decoded);
                var current = history.Store(decoded);
                var encoded = encoder.Encode(current, history, ack);
                for (var p = 0; p < encoded.PartCount; p++)
                {
                    if (receiver.Receive(encoded.Part(p)) == SnapshotReadResult.Ok)
                    {
                        interpolation.Add(receiver.Latest!);
                    }
                }
                new InputMessage((uint)i, 10, -10, 5, InputButtons.Fire, receiver.AckTick).WriteTo(input);
                InputMessage.TryRead(input, out var message);
                ack.Acknowledge(message.LastSnapshotTick);
                checksum += interpolation.SampleTanks(interpolation.RenderTick(2.5), tanks);
                checksum += interpolation.SampleShells(interpolation.RenderTick(2.5), shells);
                checksum += DeltaCodec.Encode(current, null, scratch);
            }
        }
    }
}
