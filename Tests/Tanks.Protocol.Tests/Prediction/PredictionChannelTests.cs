using Tanks.Client.Game;
using Tanks.Client.Prediction;
using Tanks.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Prediction;

/// <summary>
/// Client-side prediction end to end, simulated to the millisecond: a real <see cref="Battle"/> on crossroads (7v7) is the
/// server, ticking at 20 Hz; a gateway model keeps the newest input per tick (older sequences ignored, the last input
/// held when none arrives); each tick's state is quantized as the SessionGrain does, delta-encoded against the client's
/// ack and carried with its "last input applied" over a seeded lossy, jittered, reordering channel to a real
/// <see cref="SnapshotReceiver"/> feeding a <see cref="PredictedBattleView"/>. The client sends one scripted input per
/// tick (wait, turn, ram a team-mate, reverse, turn, drive into a building, then seeded random driving) over the same
/// kind of channel. The error measured: the predicted local tank for server tick T (the predictor's
/// <see cref="LocalTankPredictor.PredictedTick"/>, as first shown) against the server's true tank at T; the naive
/// client (draw the newest snapshot) is measured at the same moments.
/// </summary>
public sealed class PredictionChannelTests(ITestOutputHelper output)
{
    private const int TickMs = 50;
    private const int ClientPhaseMs = 17; // the client's tick clock runs 17 ms after the server's
    private const int ClientTicks = 600; // 30 s
    private const int WarmUpTicks = 20;
    private const ushort LocalId = 0;

    // The figures are exact for the seeds (everything is seeded and single-threaded); the tolerance only absorbs float noise
    // of another libm. Errors in centimetres.
    private const float Tolerance = 0.05f;

    [Fact]
    public void Without_loss_or_jitter_the_prediction_is_exact_to_below_quantization()
    {
        var run = Run(seed: 1, oneWayMs: 50, jitterMs: 0, loss: 0);
        Report("perfect channel, 100 ms RTT", run);
        Assert.Equal(0, run.Snapshots.Lost + run.Inputs.Lost);
        Assert.Equal(0, run.InputsSkipped);
        Assert.Equal(582, run.Predicted.Count);
        // Replayed from a 1 cm / 2π/65536 / 1 mm-per-tick quantized state: below quantization, never a real error.
        Assert.True(run.Predicted.Max * 100 < 1f, $"max error {run.Predicted.Max * 100:F3} cm");
        Assert.Equal(0.68f, run.Predicted.P99 * 100, Tolerance);
        Assert.Equal(0.71f, run.Predicted.Max * 100, Tolerance);
        // Drawing the newest snapshot lags by the round trip plus a tick: ~2 m at the medium tank's 13 m/s.
        Assert.Equal(195.42f, run.Naive.P99 * 100, Tolerance);
        Assert.Equal(195.51f, run.Naive.Max * 100, Tolerance);
    }

    [Fact]
    public void Over_a_lossy_jittered_channel_prediction_stays_within_centimetres_where_the_naive_client_is_metres_off()
    {
        var run = Run(seed: 7, oneWayMs: 50, jitterMs: 30, loss: 0.08);
        Report("100 ms RTT, ±30 ms jitter, 8 % loss each way", run);
        Assert.Equal(new ChannelStats(610, 52, 11), run.Snapshots);
        Assert.Equal(new ChannelStats(600, 43, 6), run.Inputs);
        Assert.True(run.ContactWithTank && run.ContactWithBuilding, "the script must collide with a tank and a building");
        Assert.Equal(154, run.TicksWithoutInput);
        Assert.Equal(144, run.InputsSkipped); // lost, or overtaken within one tick: the gateway keeps only the newest
        Assert.Equal(481, run.Predicted.Count);
        Assert.Equal(0, run.Snaps);
        Assert.Equal(0.55f, run.Predicted.Mean * 100, Tolerance);
        Assert.Equal(5.42f, run.Predicted.P99 * 100, Tolerance);
        Assert.Equal(24.67f, run.Predicted.Max * 100, Tolerance);
        // What is drawn trails the prediction by the decaying correction: mostly a whole tick of motion that the server's
        // one-input-per-tick rule added (an input held) or removed (an input overtaken) compared with the client's count.
        Assert.Equal(37.48f, run.Rendered.P99 * 100, Tolerance);
        Assert.Equal(54.81f, run.Rendered.Max * 100, Tolerance);
        Assert.Equal(260.52f, run.Naive.P99 * 100, Tolerance);
        Assert.Equal(325.18f, run.Naive.Max * 100, Tolerance);
    }

    /// <summary>The same channel over twelve seeds (measured: predicted p99 2.5–8.0 cm, max 5.3–24.7 cm; naive p99 2.6–3.2 m).</summary>
    [Theory]
    [InlineData(1ul)]
    [InlineData(2ul)]
    [InlineData(3ul)]
    [InlineData(4ul)]
    [InlineData(5ul)]
    [InlineData(6ul)]
    [InlineData(8ul)]
    [InlineData(9ul)]
    [InlineData(10ul)]
    [InlineData(11ul)]
    [InlineData(12ul)]
    public void Over_any_seed_of_that_channel_the_bound_holds(ulong seed)
    {
        var run = Run(seed, oneWayMs: 50, jitterMs: 30, loss: 0.08);
        Report($"seed {seed}", run);
        Assert.True(run.Predicted.P99 < 0.10f, $"p99 {run.Predicted.P99 * 100:F2} cm");
        Assert.True(run.Predicted.Max < 0.30f, $"max {run.Predicted.Max * 100:F2} cm");
        Assert.True(run.Naive.P99 > 2.5f, $"naive p99 {run.Naive.P99 * 100:F2} cm");
    }

    private void Report(string title, RunResult run)
    {
        output.WriteLine($"{title}: {run.Predicted.Count} ticks measured; snapshots lost {run.Snapshots.Lost}/{run.Snapshots.Sent}, "
            + $"reordered {run.Snapshots.Reordered}; inputs lost {run.Inputs.Lost}/{run.Inputs.Sent}, reordered {run.Inputs.Reordered}; "
            + $"server ticks without a new input {run.TicksWithoutInput}, inputs never applied {run.InputsSkipped}; "
            + $"reconciliations {run.Reconciliations}, snaps {run.Snaps}");
        output.WriteLine($"  predicted: {run.Predicted}");
        output.WriteLine($"  rendered:  {run.Rendered}");
        output.WriteLine($"  naive:     {run.Naive}");
    }

    private RunResult Run(ulong seed, int oneWayMs, int jitterMs, double loss)
    {
        var players = new PlayerSlot[14];
        for (var i = 0; i < players.Length; i++)
        {
            players[i] = new PlayerSlot(i % 2, i == LocalId ? TankClasses.MediumId : i % 3, 1000 + i);
        }
        var setup = new BattleSetup(BuiltInMaps.Crossroads, players, seed);
        var battle = new Battle(setup);
        var random = new DeterministicRandom(seed * 0x9E3779B97F4A7C15UL + 1);
        var down = new Channel(random.NextUInt(), oneWayMs, jitterMs, loss);
        var up = new Channel(random.NextUInt(), oneWayMs, jitterMs, loss);
        var script = new Script(random.NextUInt());

        // Server and gateway.
        var builder = new StateBuilder();
        var history = new SnapshotHistory();
        var encoder = new SnapshotEncoder();
        var ack = new SnapshotAck();
        var serverInputs = new TankInput[1];
        uint gatewaySequence = 0, appliedSequence = 0;
        InputMessage? gatewayPending = null;
        var truth = new Dictionary<uint, TankPose>();
        var appliedAt = new HashSet<uint>();
        var ticksWithoutInput = 0;

        // Client.
        var receiver = new SnapshotReceiver();
        var view = new PredictedBattleView(setup.Map, setup.Classes, setup.TickRate, LocalId);
        var inputBytes = new byte[InputMessage.Size];
        var predicted = new Dictionary<uint, (TankPose Predicted, TankPose Rendered, TankPose Naive)>();
        var arrived = new List<Channel.Packet>();
        var neighbour = battle.Tanks[2]; // the team-mate east of the local tank at spawn
        bool contactTank = false, contactBuilding = false;

        var endMs = (ClientTicks + 10) * TickMs;
        for (var now = 0; now <= endMs; now++)
        {
            // Gateway: inputs that arrived; the newest sequence wins, older ones are ignored (they came late).
            up.Deliver(now, arrived);
            foreach (var packet in arrived)
            {
                Assert.Equal(GameMessageReadResult.Ok, InputMessage.TryRead(packet.Bytes, out var input));
                ack.Acknowledge(input.LastSnapshotTick);
                if ((int)(input.Sequence - gatewaySequence) > 0)
                {
                    gatewaySequence = input.Sequence;
                    gatewayPending = input;
                }
            }

            // Server tick: at most one input per tick, the newest; without one the last input is held.
            if (now > 0 && now % TickMs == 0)
            {
                if (gatewayPending is { } applied)
                {
                    serverInputs[0] = LocalTankPredictor.FromWire(applied) with { Fire = false };
                    appliedSequence = applied.Sequence;
                    appliedAt.Add(applied.Sequence);
                    gatewayPending = null;
                }
                else
                {
                    ticksWithoutInput++;
                }
                battle.Step(serverInputs); // the other tanks get no input: they stand still
                var t = battle.Tanks[LocalId];
                truth[(uint)battle.Tick] = new TankPose(t.X, t.Y, t.HullAngle, t.TurretAngle, t.Speed);
                var gap = MathF.Sqrt((t.X - neighbour.X) * (t.X - neighbour.X) + (t.Y - neighbour.Y) * (t.Y - neighbour.Y));
                contactTank |= gap - t.Radius - neighbour.Radius < 0.01f;
                contactBuilding |= BoxGap(t.X, t.Y, 130, 130, 14, 10) - t.Radius < 0.01f;

                var state = history.Store(builder.Build(battle));
                var encoded = encoder.Encode(state, history, ack);
                for (var p = 0; p < encoded.PartCount; p++)
                {
                    down.Send(now, encoded.Part(p), appliedSequence);
                }
            }

            // Client: snapshots that arrived, each with the "last input applied" of its tick.
            down.Deliver(now, arrived);
            foreach (var packet in arrived)
            {
                if (receiver.Receive(packet.Bytes) == SnapshotReadResult.Ok
                    && receiver.TryGetState(receiver.LastDecodedTick, out var state))
                {
                    view.OnSnapshot(state, packet.LastInput);
                }
            }

            // Client tick: send this tick's input, predict it, note what is shown for the tick it predicts.
            if (now % TickMs == ClientPhaseMs && now / TickMs < ClientTicks)
            {
                var k = now / TickMs;
                var (throttle, steering, yaw) = script.Input(k);
                var message = new InputMessage(
                    (uint)k + 1, InputMessage.Axis(throttle), InputMessage.Axis(steering), SnapshotQuantizer.Angle(yaw),
                    InputButtons.None, receiver.AckTick);
                message.WriteTo(inputBytes);
                up.Send(now, inputBytes, 0);
                view.OnInputSent(message);
                view.Update(TickMs / 1000f);
                var local = view.Local;
                if (local.HasState && !predicted.ContainsKey(local.PredictedTick))
                {
                    predicted[local.PredictedTick] = (local.Predicted, local.Rendered, Naive(receiver.Latest!));
                }
            }
        }

        var predictedErrors = new List<float>();
        var renderedErrors = new List<float>();
        var naiveErrors = new List<float>();
        foreach (var (tick, shown) in predicted.OrderBy(p => p.Key))
        {
            if (tick < WarmUpTicks || !truth.TryGetValue(tick, out var server))
            {
                continue;
            }
            predictedErrors.Add(shown.Predicted.DistanceTo(server));
            renderedErrors.Add(shown.Rendered.DistanceTo(server));
            naiveErrors.Add(shown.Naive.DistanceTo(server));
        }
        return new RunResult(
            ErrorStats.Of(predictedErrors), ErrorStats.Of(renderedErrors), ErrorStats.Of(naiveErrors), down.Stats, up.Stats,
            ticksWithoutInput, ClientTicks - appliedAt.Count(s => s <= ClientTicks), view.Local.Reconciliations, view.Local.Snaps,
            contactTank, contactBuilding);
    }

    /// <summary>The naive client: the local tank as the newest snapshot shows it.</summary>
    private static TankPose Naive(WorldState latest)
    {
        foreach (var q in latest.Tanks)
        {
            if (q.Id == LocalId)
            {
                return new TankPose(SnapshotQuantizer.Metres(q.X), SnapshotQuantizer.Metres(q.Y),
                    SnapshotQuantizer.AngleToRadians(q.HullAngle), SnapshotQuantizer.AngleToRadians(q.TurretAngle), 0);
            }
        }
        throw new InvalidOperationException("no local tank");
    }

    /// <summary>Distance from a point to an axis-aligned box (0 inside).</summary>
    private static float BoxGap(float x, float y, float cx, float cy, float halfWidth, float halfHeight)
    {
        var dx = MathF.Max(0, MathF.Abs(x - cx) - halfWidth);
        var dy = MathF.Max(0, MathF.Abs(y - cy) - halfHeight);
        return MathF.Sqrt(dx * dx + dy * dy);
    }

    private sealed record RunResult(
        ErrorStats Predicted, ErrorStats Rendered, ErrorStats Naive, ChannelStats Snapshots, ChannelStats Inputs,
        int TicksWithoutInput, int InputsSkipped, int Reconciliations, int Snaps, bool ContactWithTank, bool ContactWithBuilding);

    /// <summary>Errors in metres over the measured ticks.</summary>
    private sealed record ErrorStats(int Count, float Mean, float P50, float P99, float Max)
    {
        public static ErrorStats Of(List<float> errors)
        {
            if (errors.Count == 0)
            {
                return new ErrorStats(0, 0, 0, 0, 0);
            }
            var sorted = errors.Order().ToArray();
            float Percentile(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
            return new ErrorStats(sorted.Length, errors.Average(), Percentile(0.5), Percentile(0.99), sorted[^1]);
        }

        public override string ToString() =>
            $"mean {Mean * 100:F2} cm, p50 {P50 * 100:F2} cm, p99 {P99 * 100:F2} cm, max {Max * 100:F2} cm over {Count} ticks";
    }

    private sealed record ChannelStats(int Sent, int Lost, int Reordered);

    /// <summary>One direction: fixed latency ± uniform jitter (whole ms), independent loss; reordering follows from jitter.</summary>
    private sealed class Channel(uint seed, int latencyMs, int jitterMs, double loss)
    {
        private readonly List<Packet> _inFlight = [];
        private DeterministicRandom _random = new(seed);
        private long _sent;
        private long _newestDelivered = -1;
        private int _lost;
        private int _reordered;

        public readonly record struct Packet(int Due, long Order, byte[] Bytes, uint LastInput);

        public ChannelStats Stats => new((int)_sent, _lost, _reordered);

        public void Send(int now, ReadOnlySpan<byte> bytes, uint lastInput)
        {
            var order = _sent++;
            if (_random.NextFloat() < loss)
            {
                _lost++;
                return;
            }
            var delay = latencyMs + (jitterMs == 0 ? 0 : (int)(_random.NextUInt() % (uint)(2 * jitterMs + 1)) - jitterMs);
            _inFlight.Add(new Packet(now + delay, order, bytes.ToArray(), lastInput));
        }

        /// <summary>Replaces <paramref name="into"/> with the packets due by <paramref name="now"/>, in arrival order.</summary>
        public void Deliver(int now, List<Packet> into)
        {
            into.Clear();
            foreach (var p in _inFlight)
            {
                if (p.Due <= now)
                {
                    into.Add(p);
                }
            }
            if (into.Count == 0)
            {
                return;
            }
            _inFlight.RemoveAll(p => p.Due <= now);
            into.Sort((a, b) => a.Due != b.Due ? a.Due.CompareTo(b.Due) : a.Order.CompareTo(b.Order));
            foreach (var p in into)
            {
                if (p.Order < _newestDelivered)
                {
                    _reordered++;
                }
                _newestDelivered = Math.Max(_newestDelivered, p.Order);
            }
        }
    }

    /// <summary>
    /// The local (medium) tank's controls per client tick. It spawns at about (162, 27) facing north with a team-mate
    /// 8.4 m east: wait, turn right to face east, ram the team-mate, reverse, turn left to ~100°, drive into the
    /// building at (130, 130), then seeded random driving. The turret sweeps slowly all the time.
    /// </summary>
    private sealed class Script(uint seed)
    {
        private DeterministicRandom _random = new(seed);
        private int _holdUntil;
        private float _throttle;
        private float _steering;

        public (float Throttle, float Steering, float Yaw) Input(int k)
        {
            var yaw = 1.5f + 0.01f * k;
            if (k < 20) return (0, 0, yaw);
            if (k < 56) return (0, -1, yaw);
            if (k < 96) return (1, 0, yaw);
            if (k < 136) return (-1, 0, yaw);
            if (k < 176) return (0, 1, yaw);
            if (k < 400) return (1, 0, yaw);
            if (k >= _holdUntil)
            {
                _holdUntil = k + 10 + (int)(_random.NextUInt() % 31);
                _throttle = _random.NextSigned();
                _steering = _random.NextSigned();
            }
            return (_throttle, _steering, yaw);
        }
    }

    /// <summary>The SessionGrain's quantization (Grains/Sessions/WorldStateBuilder.cs), without the grain.</summary>
    private sealed class StateBuilder
    {
        private WorldState _current = new();
        private WorldState _previous = new();
        private float[] _previousHulls = [];
        private bool _hasPrevious;

        public WorldState Build(Battle battle)
        {
            (_previous, _current) = (_current, _previous);
            var result = battle.Result;
            _current.Clear(SnapshotQuantizer.Header(
                battle.Tick, battle.TicksLeft, battle.CaptureProgress(0), battle.CaptureProgress(1),
                result.IsOver ? result.Winner : -1, result.IsOver ? (int)result.Reason : 0));
            var tanks = battle.Tanks;
            if (_previousHulls.Length != tanks.Length)
            {
                _previousHulls = new float[tanks.Length];
            }
            for (var i = 0; i < tanks.Length; i++)
            {
                var t = tanks[i];
                var turn = _hasPrevious ? GameMath.WrapAngle(t.HullAngle - _previousHulls[i]) * battle.TickRate : 0f;
                _current.AddTank(SnapshotQuantizer.Tank(
                    t.Id, t.Team, t.ClassId, t.X, t.Y, t.HullAngle, t.TurretAngle, t.HitPoints, t.IsAlive, t.ReloadTicksLeft,
                    t.VelocityX, t.VelocityY, turn, battle.TickRate));
                _previousHulls[i] = t.HullAngle;
            }
            _hasPrevious = true;
            foreach (var s in battle.Shells)
            {
                _current.AddShell(SnapshotQuantizer.Shell(s.Id, s.Owner, s.X, s.Y, s.Angle, s.Speed, battle.Tick, _previous));
            }
            return _current;
        }
    }
}
