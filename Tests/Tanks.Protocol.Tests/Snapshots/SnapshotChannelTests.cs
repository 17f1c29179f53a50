using CsCheck;
using Tanks.Client.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Snapshots;

/// <summary>
/// Server (encoder + history + per-client ack) and client (<see cref="SnapshotReceiver"/>) over a simulated channel that
/// drops, reorders and duplicates packets in both directions: every state the client decodes equals what the server sent
/// for that tick.
/// </summary>
public sealed class SnapshotChannelTests
{
    private sealed class Channel(Random rng, double loss, double duplicate, int maxDelay)
    {
        private readonly List<(int Due, byte[] Bytes)> _inFlight = [];

        public void Send(int now, ReadOnlySpan<byte> bytes)
        {
            if (rng.NextDouble() < loss)
            {
                return;
            }
            _inFlight.Add((now + 1 + rng.Next(maxDelay + 1), bytes.ToArray()));
            if (rng.NextDouble() < duplicate)
            {
                _inFlight.Add((now + 1 + rng.Next(maxDelay + 1), bytes.ToArray()));
            }
        }

        public IEnumerable<byte[]> Deliver(int now)
        {
            var due = _inFlight.Where(p => p.Due <= now).ToList();
            _inFlight.RemoveAll(p => p.Due <= now);
            // Shuffle what arrives in the same tick, too.
            return due.OrderBy(_ => rng.Next()).Select(p => p.Bytes);
        }
    }

    private static (int Decoded, int Full, int Parts) Run(int seed, double loss, double duplicate, int maxDelay, bool huge, int ticks = 300)
    {
        var rng = new Random(seed);
        var history = new SnapshotHistory();
        var encoder = new SnapshotEncoder();
        var ack = new SnapshotAck();
        var receiver = new SnapshotReceiver();
        var down = new Channel(rng, loss, duplicate, maxDelay);
        var up = new Channel(rng, loss, duplicate, maxDelay);
        var sent = new Dictionary<uint, WorldState>();
        var state = huge ? SnapshotGen.Huge(rng, 1) : SnapshotGen.RandomState(rng, 1, maxTanks: 14, maxShells: 20);
        int decoded = 0, full = 0, parts = 0;
        var input = new byte[InputMessage.Size];

        for (var now = 0; now < ticks; now++)
        {
            // Server tick: store, encode against the client's newest ack, send.
            var stored = history.Store(state);
            var copy = new WorldState();
            copy.CopyFrom(stored);
            sent[state.Tick] = copy;
            var encoded = encoder.Encode(stored, history, ack);
            full += encoded.IsFull ? 1 : 0;
            parts += encoded.PartCount > 1 ? 1 : 0;
            for (var p = 0; p < encoded.PartCount; p++)
            {
                Assert.True(encoded.Part(p).Length <= GameProtocol.MaxMessageBytes);
                down.Send(now, encoded.Part(p));
            }

            // Client: receive whatever arrives, check every decoded state, ack through an Input.
            foreach (var payload in down.Deliver(now))
            {
                var result = receiver.Receive(payload);
                Assert.True(result is SnapshotReadResult.Ok or SnapshotReadResult.Incomplete or SnapshotReadResult.Duplicate
                    or SnapshotReadResult.Stale or SnapshotReadResult.BaselineMissing, result.ToString());
                if (result == SnapshotReadResult.Ok)
                {
                    decoded++;
                    Assert.True(receiver.TryGetState(receiver.LastDecodedTick, out var got));
                    var expected = sent[receiver.LastDecodedTick];
                    Assert.True(expected.ContentEquals(got), $"tick {receiver.LastDecodedTick} differs");
                }
            }
            new InputMessage((uint)now, 0, 0, 0, InputButtons.None, receiver.AckTick).WriteTo(input);
            up.Send(now, input);

            // Gateway: apply acks that arrived.
            foreach (var payload in up.Deliver(now))
            {
                Assert.Equal(GameMessageReadResult.Ok, InputMessage.TryRead(payload, out var message));
                ack.Acknowledge(message.LastSnapshotTick);
            }

            state = SnapshotGen.Next(rng, state, 1);
        }

        // Every state the client still holds is exactly what the server sent.
        for (var tick = 1u; tick <= ticks; tick++)
        {
            if (receiver.TryGetState(tick, out var held))
            {
                Assert.True(sent[tick].ContentEquals(held));
            }
        }
        return (decoded, full, parts);
    }

    [Fact]
    public void A_perfect_channel_decodes_every_tick_and_sends_full_snapshots_only_until_the_first_ack()
    {
        var (decoded, full, _) = Run(seed: 1, loss: 0, duplicate: 0, maxDelay: 0, huge: false);
        Assert.Equal(299, decoded); // the last tick is still in flight
        Assert.Equal(3, full); // ticks 1..3 go out before the first ack is back (one tick each way, acks applied after encoding)
    }

    [Fact]
    public void Loss_reordering_and_duplication_never_corrupt_the_clients_view()
    {
        Gen.Int.Sample(seed =>
        {
            var (decoded, _, _) = Run(seed, loss: 0.1, duplicate: 0.1, maxDelay: 3, huge: false, ticks: 200);
            Assert.True(decoded > 100, $"only {decoded} of 200 ticks decoded");
        }, iter: 60, threads: 1);
    }

    [Fact]
    public void Heavy_loss_still_never_corrupts_and_recovers_with_full_snapshots()
    {
        var (decoded, full, _) = Run(seed: 7, loss: 0.5, duplicate: 0.2, maxDelay: 5, huge: false, ticks: 400);
        Assert.True(decoded > 100);
        Assert.True(full >= 2);
    }

    [Fact]
    public void Split_snapshots_are_reassembled_across_loss_and_reordering()
    {
        var (decoded, _, parts) = Run(seed: 3, loss: 0.05, duplicate: 0.1, maxDelay: 2, huge: true, ticks: 120);
        Assert.True(parts > 0, "no snapshot was split");
        Assert.True(decoded > 30, $"{decoded} decoded");
    }
}
