using Tanks.Client.Game;
using Tanks.Client.Prediction;
using Tanks.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Tests.Prediction;

/// <summary>The predictor's rules one by one, against a real <see cref="Battle"/> on the duel map (tank 0 is the local one).</summary>
public sealed class LocalTankPredictorTests
{
    private static readonly TankInput Drive = new(1, 0.5f, 0, false);

    private static Battle NewBattle() =>
        new(new BattleSetup(BuiltInMaps.Duel, [new PlayerSlot(0, TankClasses.LightId), new PlayerSlot(1, TankClasses.HeavyId)], 3));

    private static LocalTankPredictor NewPredictor(Battle b) => new(b.Map, b.Setup.Classes, b.TickRate, 0);

    /// <summary>The battle's state quantized as the SessionGrain sends it.</summary>
    private static WorldState Snapshot(Battle b)
    {
        var state = new WorldState();
        state.Clear(SnapshotQuantizer.Header(b.Tick, b.TicksLeft, 0, 0, -1, 0));
        foreach (var t in b.Tanks)
        {
            state.AddTank(SnapshotQuantizer.Tank(
                t.Id, t.Team, t.ClassId, t.X, t.Y, t.HullAngle, t.TurretAngle, t.HitPoints, t.IsAlive, t.ReloadTicksLeft,
                t.VelocityX, t.VelocityY, 0, b.TickRate));
        }
        return state;
    }

    private static float Error(LocalTankPredictor p, Battle b) =>
        p.Predicted.DistanceTo(new TankPose(b.Tanks[0].X, b.Tanks[0].Y, 0, 0, 0));

    [Fact]
    public void Predicts_nothing_before_the_first_snapshot_then_replays_the_pending_inputs()
    {
        var server = NewBattle();
        var predictor = NewPredictor(server);
        Assert.False(predictor.Predict(1, Drive));
        Assert.False(predictor.Predict(2, Drive));
        Assert.Equal(2, predictor.PendingInputs);
        server.Step([Drive]); // input 1 applied at tick 1

        Assert.True(predictor.Reconcile(Snapshot(server), lastAppliedInput: 1));
        Assert.Equal(1, predictor.PendingInputs); // input 2 replayed on top of tick 1
        Assert.Equal(2u, predictor.PredictedTick);
        server.Step([Drive]);
        Assert.True(Error(predictor, server) < 0.01f);
        Assert.Equal(0f, predictor.CorrectionOffset); // the first state: nothing to smooth
    }

    [Fact]
    public void Stays_on_the_servers_track_within_quantization_when_every_input_is_applied_in_turn()
    {
        var server = NewBattle();
        var predictor = NewPredictor(server);
        var snapshots = new Queue<(WorldState State, uint Applied)>();
        var maxError = 0f;
        for (uint seq = 1; seq <= 200; seq++)
        {
            var input = new TankInput(seq < 120 ? 1 : -1, MathF.Sin(seq * 0.1f), seq * 0.05f, false);
            predictor.Predict(seq, input);
            server.Step([input]);
            snapshots.Enqueue((Snapshot(server), seq));
            if (snapshots.Count > 3) // three ticks of latency
            {
                var (state, applied) = snapshots.Dequeue();
                predictor.Reconcile(state, applied);
                Assert.Equal(3, predictor.PendingInputs);
                Assert.Equal((uint)server.Tick, predictor.PredictedTick);
                maxError = MathF.Max(maxError, Error(predictor, server));
            }
        }
        Assert.True(maxError < 0.01f, $"{maxError * 100:F3} cm");
    }

    [Fact]
    public void Ignores_stale_snapshots_and_foreign_ones()
    {
        var server = NewBattle();
        var predictor = NewPredictor(server);
        predictor.Predict(1, Drive);
        server.Step([Drive]);
        var tick1 = Snapshot(server);
        predictor.Predict(2, Drive);
        server.Step([Drive]);
        Assert.True(predictor.Reconcile(Snapshot(server), 2));
        Assert.False(predictor.Reconcile(tick1, 1)); // older than the one reconciled
        Assert.False(predictor.Predict(2, Drive)); // a repeated sequence
        var empty = new WorldState();
        empty.Clear(new SnapshotHeader(99, 0, 0, 0, SnapshotHeader.NoWinner, 0));
        Assert.False(predictor.Reconcile(empty, 2)); // no local tank in it
        Assert.Equal(2u, predictor.ServerTick);
    }

    [Fact]
    public void A_misprediction_is_smoothed_exponentially_and_a_large_one_snaps()
    {
        var server = NewBattle();
        var predictor = NewPredictor(server);
        predictor.Predict(1, default);
        server.Step([]);
        predictor.Reconcile(Snapshot(server), 1);
        for (uint seq = 2; seq <= 40; seq++)
        {
            predictor.Predict(seq, Drive); // the server never gets these: it keeps the tank idle
        }
        var drawn = predictor.Rendered;
        for (var i = 0; i < 39; i++)
        {
            server.Step([]);
        }
        predictor.SnapDistance = 100;
        Assert.True(predictor.Reconcile(Snapshot(server), 40)); // the server claims all applied, yet the tank stood still
        Assert.True(predictor.LastCorrection > 5f);
        Assert.True(drawn.DistanceTo(predictor.Rendered) < 1e-3f, "the drawn tank does not jump");
        var offset = predictor.CorrectionOffset;
        predictor.Update(predictor.SmoothingTimeConstant);
        Assert.Equal(offset / MathF.E, predictor.CorrectionOffset, 3);

        predictor.SnapDistance = 4;
        predictor.Predict(41, Drive);
        server.Step([]);
        server.Step([]);
        var snapsBefore = predictor.Snaps;
        predictor.Reconcile(Snapshot(server), 41);
        Assert.Equal(snapsBefore + 1, predictor.Snaps);
        Assert.Equal(0f, predictor.CorrectionOffset);
    }

    [Fact]
    public void Collides_like_the_server_with_other_tanks_where_the_snapshot_shows_them()
    {
        var server = NewBattle();
        var enemy = server.Tanks[1];
        var predictor = NewPredictor(server);
        predictor.Reconcile(Snapshot(server), 0);
        var yaw = MathF.Atan2(enemy.Y - server.Tanks[0].Y, enemy.X - server.Tanks[0].X);
        // Aim the hull at the enemy first (light tank: 70°/s), then drive into it; snapshots arrive three ticks late.
        var snapshots = new Queue<(WorldState State, uint Applied)>();
        uint seq = 0;
        var maxError = 0f;
        for (var i = 0; i < 200; i++)
        {
            var delta = GameMath.AngleDelta(server.Tanks[0].HullAngle, yaw);
            var input = MathF.Abs(delta) > 0.02f
                ? new TankInput(0, Math.Clamp(delta * 5, -1, 1), yaw, false)
                : new TankInput(1, 0, yaw, false);
            predictor.Predict(++seq, input);
            server.Step([input]);
            snapshots.Enqueue((Snapshot(server), seq));
            if (snapshots.Count > 3)
            {
                var (state, applied) = snapshots.Dequeue();
                predictor.Reconcile(state, applied);
                maxError = MathF.Max(maxError, Error(predictor, server));
            }
        }
        var t = server.Tanks[0];
        var gap = MathF.Sqrt((t.X - enemy.X) * (t.X - enemy.X) + (t.Y - enemy.Y) * (t.Y - enemy.Y)) - t.Radius - enemy.Radius;
        Assert.InRange(gap, -Battle.OverlapTolerance, 0.01f); // pressed against the enemy
        Assert.True(predictor.Predicted.Speed < 1f, "blocked: speed is what was achieved");
        Assert.True(maxError < 0.01f, $"{maxError * 100:F3} cm");
    }

    [Fact]
    public void The_view_draws_the_local_tank_predicted_and_the_others_interpolated()
    {
        var server = NewBattle();
        var view = new PredictedBattleView(server.Map, server.Setup.Classes, server.TickRate, 0);
        var output = new InterpolatedTank[4];
        for (uint seq = 1; seq <= 10; seq++)
        {
            view.OnInputSent(new InputMessage(seq, 127, 0, 0, InputButtons.None, InputMessage.NoSnapshot));
            server.Step([new TankInput(1, 0, 0, false)]);
            if (seq >= 3)
            {
                view.OnSnapshot(Snapshot(server), seq - 2); // pretend two inputs are in flight
            }
        }
        Assert.Equal(2, view.SampleTanks(view.RenderTick, 1f, output));
        Assert.Equal(view.Local.Rendered.X, output[0].X);
        Assert.Equal(view.Local.Rendered.Y, output[0].Y);
        var enemy = Snapshot(server).Tanks[1];
        Assert.Equal(SnapshotQuantizer.Metres(enemy.X), output[1].X, 3);
    }

    [Fact]
    public void Predicting_and_reconciling_allocate_nothing_after_warm_up()
    {
        var server = NewBattle();
        var predictor = NewPredictor(server);
        var states = new WorldState[64];
        for (var i = 0; i < states.Length; i++)
        {
            server.Step([Drive]);
            states[i] = Snapshot(server);
        }
        uint seq = 0;
        Run();
        Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void Run()
        {
            predictor.Reset();
            seq = 0;
            for (var i = 0; i < states.Length; i++)
            {
                predictor.Predict(++seq, Drive);
                predictor.Predict(++seq, Drive);
                predictor.Reconcile(states[i], seq - 1);
                predictor.Update(0.016f);
                _ = predictor.RenderedAt(0.5f);
            }
        }
    }
}
