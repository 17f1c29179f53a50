using System.Collections.Concurrent;
using Tanks.Client.Battle;
using Tanks.Client.Prediction;
using Tanks.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Tests.Battles;

/// <summary>
/// The SDK's built-in prediction against the real stack (silo, Gateway.Tcp, Gateway.Udp, loopback UDP): one client
/// drives a scripted course one input per tick (<see cref="BattleClient.RunInputLoopAsync"/>), its predictions are
/// compared with the server's states of the same ticks.
/// </summary>
[Collection(BattleStackCollection.Name)]
public sealed class PredictionEndToEndTests(BattleStack shared, ITestOutputHelper output)
{
    /// <summary>Ticks per leg of the course (1 s at 20 Hz).</summary>
    private const int LegTicks = 20;

    /// <summary>Exact samples (see below) wanted overall and of each kind of leg, so the comparison cannot pass on nothing.</summary>
    private const int ExactSamplesWanted = 160;
    private const int ExactSamplesPerKind = 25;

    /// <summary>
    /// How far an exact prediction may be from the server's tank: both run the same code from the same state but the
    /// client starts from the quantized snapshot (1 cm position, 2π/65536 angles, 1 mm/tick speed) and the server state
    /// it is compared with is quantized too. Measured: under 1 cm (see the test's output); one tick of the medium
    /// tank's motion is 65 cm forward, 25 cm in reverse.
    /// </summary>
    private const float ExactBoundMetres = 0.03f;
    private const float ExactBoundRadians = 0.002f;

    private enum Kind
    {
        Straight,
        Turn,
        Reverse,
    }

    /// <summary>
    /// Ahead 2.5 m, turn 50° coasting to a stop, back 2.5 m, turn back; then the mirror image. The course comes back to
    /// within 2 m of where it began each 8 s (in open ground: 25 m from the other tank, far from obstacles and edges).
    /// </summary>
    private static readonly (Kind Kind, TankControls Controls)[] Legs =
    [
        (Kind.Straight, new(1f, 0f, 0.5f, false)),
        (Kind.Turn, new(0f, 1f, -0.5f, false)),
        (Kind.Reverse, new(-1f, 0f, 1.5f, false)),
        (Kind.Turn, new(0f, -1f, 0f, false)),
        (Kind.Straight, new(1f, 0f, -1.5f, false)),
        (Kind.Turn, new(0f, -1f, 2.5f, false)),
        (Kind.Reverse, new(-1f, 0f, -2.5f, false)),
        (Kind.Turn, new(0f, 1f, 1f, false)),
    ];

    [Fact]
    public async Task The_predicted_tank_on_a_scripted_course_matches_the_servers_tank_of_the_same_tick_when_inputs_land_one_per_tick()
    {
        var (a, _) = await shared.NewPlayerAsync();
        var (b, _) = await shared.NewPlayerAsync();
        using var _a = a;
        using var _b = b;
        var game = a.Game;
        var server = new ConcurrentDictionary<uint, ServerTick>();
        var arrivals = new ConcurrentQueue<ServerTick>();
        game.SnapshotDecoded += s =>
        {
            if (game.Battle is not { } battle)
            {
                return;
            }

            foreach (var t in s.State.Tanks)
            {
                if (t.Id == battle.TankId)
                {
                    // Read on the receive loop right after this reconciliation: the count so far is exact.
                    var reconciliations = game.TryGetLocalPrediction(out var p) ? p.Reconciliations : 0;
                    var tick = new ServerTick(s.State.Tick, s.InputAck, s.Reconciled, reconciliations,
                        SnapshotQuantizer.Metres(t.X), SnapshotQuantizer.Metres(t.Y),
                        GameMath.WrapAngle(SnapshotQuantizer.AngleToRadians(t.HullAngle)),
                        GameMath.WrapAngle(SnapshotQuantizer.AngleToRadians(t.TurretAngle)));
                    server[tick.Tick] = tick;
                    arrivals.Enqueue(tick);
                }
            }
        };

        await game.JoinQueueAsync(TankClassCodes.Medium);
        await b.Game.JoinQueueAsync(TankClassCodes.Medium); // stands at its spawn, 50 m away: never in the way
        var start = await game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));
        await b.Game.WaitForBattleStartAsync(timeout: TimeSpan.FromSeconds(15));

        // The prediction runs on the battle's definition as received: the server's map and class stats, value for value.
        var map = game.PredictionMap!;
        var builtIn = BuiltInMaps.Load("duel");
        Assert.Equal("duel", start.MapId);
        Assert.Equal((builtIn.Name, builtIn.Width, builtIn.Height, builtIn.Base), (map.Name, map.Width, map.Height, map.Base));
        Assert.Equal(builtIn.Obstacles, map.Obstacles);
        Assert.Equal(TankClasses.All(), game.PredictionClasses!);
        Assert.Equal(start.Definition.MapName, map.Name);

        // Drive the course until enough exact samples are in (bounded).
        var predictions = new Dictionary<uint, PredictionRecord>();
        var legOfSequence = new Dictionary<uint, Kind>();
        uint harvested = 0;
        var exact = new List<Sample>();
        var other = new List<Sample>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        stop.CancelAfter(TimeSpan.FromSeconds(90));
        var sent = await game.RunInputLoopAsync(tick =>
        {
            if (tick.Latest is null)
            {
                return null;
            }

            // Collect the first predictions made since the last tick (the SDK keeps the last 256 ticks).
            if (game.TryGetLocalPrediction(out var now))
            {
                for (var t = harvested + 1; (int)(t - now.PredictedTick) <= 0; t++)
                {
                    if (game.TryGetFirstPrediction(t, out var record))
                    {
                        predictions[t] = record;
                    }
                }

                harvested = Math.Max(harvested, now.PredictedTick);
            }

            if (tick.Index % LegTicks == 0)
            {
                Classify(predictions, server, legOfSequence, exact, other);
                if (exact.Count >= ExactSamplesWanted && Enum.GetValues<Kind>().All(k => exact.Count(s => s.Kind == k) >= ExactSamplesPerKind))
                {
                    stop.Cancel();
                    return null;
                }
            }

            var leg = Legs[tick.Index / LegTicks % Legs.Length];
            legOfSequence[game.LastInputSequence + 1] = leg.Kind; // only this loop sends: the next sequence is this input's
            return leg.Controls;
        }, stop.Token);

        Assert.False(TestContext.Current.CancellationToken.IsCancellationRequested);
        // Every input was applied: the ack reaches the last one sent (the battle's next tick applies it).
        var last = game.LastInputSequence;
        await WaitAsync(() => game.LatestInputAck == last, $"the ack of the last input ({last})");
        Classify(predictions, server, legOfSequence, exact, other);

        // Reconciliation: every snapshot was reconciled, ticks in order and acks never going back, reaching the last input.
        var seen = arrivals.ToArray();
        Assert.True(seen.Length > ExactSamplesWanted, $"only {seen.Length} snapshots");
        for (var i = 0; i < seen.Length; i++)
        {
            Assert.True(seen[i].Reconciled, $"tick {seen[i].Tick} not reconciled");
            Assert.Equal(i + 1, seen[i].Reconciliations); // the n-th snapshot decoded is the n-th reconciliation
            if (i == 0)
            {
                continue;
            }


            Assert.True(seen[i].Tick > seen[i - 1].Tick, $"tick {seen[i].Tick} after {seen[i - 1].Tick}");
            Assert.True(seen[i].Ack >= seen[i - 1].Ack, $"ack {seen[i].Ack} at tick {seen[i].Tick} after {seen[i - 1].Ack}");
        }

        var advancedByOne = seen.Zip(seen.Skip(1)).Count(p => p.Second.Tick == p.First.Tick + 1 && p.Second.Ack == p.First.Ack + 1);
        Assert.True(game.TryGetLocalPrediction(out var final));
        Assert.Equal(last, seen[^1].Ack);

        // The course moved the tank (metres, not centimetres), so matching poses mean something.
        var travelled = exact.Zip(exact.Skip(1)).Sum(p => MathF.Sqrt(MathF.Pow(p.Second.Server.X - p.First.Server.X, 2) + MathF.Pow(p.Second.Server.Y - p.First.Server.Y, 2)));

        var errors = exact.Select(s => s.Error).Order().ToArray();
        var hullErrors = exact.Select(s => s.HullError).Order().ToArray();
        var turretErrors = exact.Select(s => s.TurretError).Order().ToArray();
        var otherErrors = other.Select(s => s.Error).Order().ToArray();
        output.WriteLine($"{sent} inputs sent, {seen.Length} snapshots, {advancedByOne} ticks whose ack advanced by exactly one, final ack {last}");
        output.WriteLine($"exact samples {exact.Count} ({string.Join(", ", exact.GroupBy(s => s.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}), "
            + $"position error p50 {Cm(errors, 0.5)} p99 {Cm(errors, 0.99)} max {Cm(errors, 1)} cm; hull max {hullErrors.LastOrDefault():0.00000} rad, "
            + $"turret max {turretErrors.LastOrDefault():0.00000} rad; inputs replayed 1..{exact.Select(s => s.Pending).DefaultIfEmpty().Max()}; "
            + $"path through exact samples {travelled:0.0} m");
        output.WriteLine($"samples with an input applied in another tick than predicted: {other.Count}"
            + (other.Count > 0 ? $", error p50 {Cm(otherErrors, 0.5)} max {Cm(otherErrors, 1)} cm" : ""));
        output.WriteLine($"final: predicted tick {final.PredictedTick}, server tick {final.ServerTick}, {final.Reconciliations} reconciliations, {final.Snaps} snaps, last correction {final.LastCorrection * 100:0.00} cm");

        Assert.True(exact.Count >= ExactSamplesWanted, $"only {exact.Count} exact samples ({other.Count} others) before the deadline");
        Assert.All(Enum.GetValues<Kind>(), k => Assert.True(exact.Count(s => s.Kind == k) >= ExactSamplesPerKind, $"{k}: too few exact samples"));
        Assert.True(travelled > 10, $"the tank moved only {travelled:0.00} m");
        Assert.All(exact, s => Assert.True(s.Error <= ExactBoundMetres && s.HullError <= ExactBoundRadians && s.TurretError <= ExactBoundRadians,
            $"tick {s.Tick} (input {s.Sequence} on tick {s.BaseTick}): predicted {s.Pose} against server {s.Server}: {s.Error * 100:0.00} cm, "
            + $"hull {s.HullError:0.00000} rad, turret {s.TurretError:0.00000} rad"));

        game.Leave();
        b.Game.Leave();
    }

    /// <summary>
    /// Sorts the predictions whose ticks the server has sent: <b>exact</b> when the server applied the replayed inputs one
    /// per tick, as predicted (the acks of ticks BaseTick+1 .. Tick are BaseAck+1 .. Sequence), so only quantization
    /// separates the prediction from the server's tank; the others had an input applied a tick late or superseded (a
    /// send on the edge of the gateway's batch), which the next snapshot corrects.
    /// </summary>
    private static void Classify(Dictionary<uint, PredictionRecord> predictions, ConcurrentDictionary<uint, ServerTick> server,
        Dictionary<uint, Kind> legOfSequence, List<Sample> exact, List<Sample> other)
    {
        foreach (var (tick, r) in predictions.ToArray())
        {
            if (!server.TryGetValue(tick, out var truth))
            {
                continue;
            }

            predictions.Remove(tick);
            var steps = (int)(r.Tick - r.BaseTick);
            var aligned = steps == (int)(r.Sequence - r.BaseInputAck) && steps > 0;
            for (var k = 1; aligned && k <= steps; k++)
            {
                aligned = server.TryGetValue(r.BaseTick + (uint)k, out var s) && s.Ack == r.BaseInputAck + (uint)k;
            }

            if (!legOfSequence.TryGetValue(r.Sequence, out var kind))
            {
                continue; // predicted from an input of no leg (cannot happen: only the course sends)
            }

            var sample = new Sample(tick, r.Sequence, r.BaseTick, steps, kind, r.Pose, truth,
                MathF.Sqrt(MathF.Pow(r.Pose.X - truth.X, 2) + MathF.Pow(r.Pose.Y - truth.Y, 2)),
                MathF.Abs(GameMath.AngleDelta(r.Pose.HullAngle, truth.Hull)),
                MathF.Abs(GameMath.AngleDelta(r.Pose.TurretAngle, truth.Turret)));
            (aligned ? exact : other).Add(sample);
        }
    }

    /// <summary>The <paramref name="q"/> quantile of sorted metres, in cm (nearest rank).</summary>
    private static string Cm(float[] sorted, double q) =>
        sorted.Length == 0 ? "-" : (sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)] * 100).ToString("0.00");

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    private readonly record struct ServerTick(uint Tick, uint Ack, bool Reconciled, int Reconciliations, float X, float Y, float Hull, float Turret);

    private readonly record struct Sample(
        uint Tick, uint Sequence, uint BaseTick, int Pending, Kind Kind, TankPose Pose, ServerTick Server, float Error, float HullError,
        float TurretError);
}
