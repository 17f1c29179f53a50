using System.Collections.Concurrent;
using System.Collections.Immutable;
using Tanks.Game;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Models;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Tests.Accounts;

namespace Tanks.Tests.Sessions;

/// <summary>Matchmaking, battles and their bookkeeping on the shared test cluster (battles last 3 s there).</summary>
[Collection(AccountsClusterCollection.Name)]
public sealed class SessionTests(AccountsCluster fixture)
{
    private static long _nextUser = 1_000_000 + Random.Shared.Next(1_000_000) * 1000L;

    private ISessionRegistryGrain Registry => fixture.Client.GetGrain<ISessionRegistryGrain>(ISessionRegistryGrain.SingletonKey);

    private static long NewUserId() => Interlocked.Increment(ref _nextUser);

    [Theory]
    // queued players; in battle at once; in battle after 31 s; in battle after 61 s
    [InlineData(1, 0, 0, 0)]
    [InlineData(2, 0, 0, 2)]
    [InlineData(13, 0, 12, 12)]
    [InlineData(14, 14, 14, 14)]
    [InlineData(30, 28, 28, 30)]
    public async Task Matchmaking_forms_full_battles_at_once_and_smaller_ones_after_waiting(int players, int atOnce, int after31, int after61)
    {
        var ids = Enumerable.Range(0, players).Select(_ => NewUserId()).ToArray();
        try
        {
            foreach (var id in ids)
            {
                Assert.Equal(PlayerState.Queued, (await Registry.JoinQueueAsync(id, $"user{id}", "medium")).State);
            }

            Assert.Equal(atOnce, await InBattleAfterAPassAsync(ids));
            fixture.Time.Advance(TimeSpan.FromSeconds(31));
            Assert.Equal(after31, await InBattleAfterAPassAsync(ids));
            fixture.Time.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(after61, await InBattleAfterAPassAsync(ids));
        }
        finally
        {
            foreach (var id in ids)
            {
                await Registry.LeaveQueueAsync(id);
            }
        }
    }

    [Fact]
    public async Task Leaving_the_queue_works_and_the_queue_survives_a_deactivation()
    {
        var stays = NewUserId();
        var leaves = NewUserId();
        await Registry.JoinQueueAsync(stays, "stays", "light");
        await Registry.JoinQueueAsync(leaves, "leaves", "heavy");

        Assert.Equal(PlayerState.Idle, (await Registry.LeaveQueueAsync(leaves)).State);
        await fixture.Cluster.DeactivateAsync(Registry);
        var status = await Registry.GetPlayerStatusAsync(stays);

        Assert.Equal(PlayerState.Queued, status.State);
        Assert.Equal(PlayerState.Idle, (await Registry.GetPlayerStatusAsync(leaves)).State);
        await Registry.LeaveQueueAsync(stays);
    }

    [Fact]
    public async Task A_battle_runs_on_scripted_inputs_to_its_end_and_records_results_and_bookkeeping()
    {
        // Two real accounts, matched by the registry into a 1v1 once the oldest has waited 60 s.
        var names = new[] { "b" + Guid.NewGuid().ToString("N")[..10], "b" + Guid.NewGuid().ToString("N")[..10] };
        var ids = new long[2];
        for (var i = 0; i < 2; i++)
        {
            ids[i] = (await fixture.Client.GetGrain<IUserGrain>(names[i]).RegisterAsync(new Secret("correct horse battery"))).UserId;
            await Registry.JoinQueueAsync(ids[i], names[i], i == 0 ? "light" : "heavy");
        }

        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        var battleId = await WaitForBattleAsync(ids[0]);
        Assert.Equal(battleId, (await Registry.GetPlayerStatusAsync(ids[1])).BattleId);

        // A player who "reconnects" (joins again) during the battle is sent back into it.
        var rejoin = await Registry.JoinQueueAsync(ids[0], names[0], "light");
        Assert.Equal((PlayerState.InBattle, battleId), (rejoin.State, rejoin.BattleId));

        var session = fixture.Client.GetGrain<ISessionGrain>(battleId);
        var observer = new RecordingObserver();
        var reference = fixture.Client.CreateObjectReference<ISessionObserver>(observer);
        await session.SubscribeAsync(reference);
        var info = await session.GetInfoAsync();
        Assert.NotNull(info);
        Assert.Equal([names[0], names[1]], info.Assignment.Players.Select(p => p.UserName).Order().SequenceEqual(names.Order()) ? names : []);

        // The battle's definition: its map and the class table, value for value.
        var definitionData = await session.GetDefinitionAsync();
        Assert.NotNull(definitionData);
        var definitionParts = new Tanks.Protocol.Game.BattleDefinitionAssembler();
        Tanks.Protocol.Game.BattleDefinition? definition = null;
        foreach (var part in definitionData.Messages)
        {
            Assert.Equal(Tanks.Protocol.Game.GameMessageReadResult.Ok, definitionParts.Receive(part, out definition, out var hash));
            Assert.Equal(definitionData.Hash, hash);
        }

        Assert.NotNull(definition);
        var map = BuiltInMaps.Load(info.Assignment.MapId);
        Assert.Equal((map.Name, map.Width, map.Height), (definition.MapName, definition.Width, definition.Height));
        Assert.Equal(map.Obstacles.Length, definition.Obstacles.Count);
        Assert.Equal(TankClasses.All().Select(c => (c.Name, c.ShellSpeed, c.HitPoints)), definition.Classes.Select(c => (c.Name, c.ShellSpeed, c.HitPoints)));
        Assert.Equal(20, definition.Rules.TickRate);

        // Scripted inputs: both drive forward, turn a little and fire at every tick until the end; each batch's inputs
        // carry the next sequence number.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        uint sequence = 0;
        while (!observer.Ended.Task.IsCompleted && !timeout.IsCancellationRequested)
        {
            sequence++;
            await session.SubmitInputsAsync(new InputBatch(
            [
                new PlayerInput(ids[0], 1f, 0.2f, 0.5f, true, sequence),
                new PlayerInput(ids[1], 1f, -0.2f, 3.6f, true, sequence),
            ]));
            await Task.Delay(50);
        }

        var summary = await observer.Ended.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(battleId, summary.BattleId);
        Assert.Equal(-1, summary.WinnerTeam); // nobody can destroy a tank in 3 s: the time limit ends it in a draw
        Assert.Equal("Time", summary.Reason);
        Assert.Equal(60, summary.Ticks); // 3 s at 20 Hz

        // One frame per tick from the one it subscribed at to the last, each once and none skipped. The last ones may
        // still be in flight when the summary arrives: wait (bounded) for the last tick's, then count exactly. (How many
        // came before the subscription depends on the machine's speed, so the first tick is not asserted; a client
        // observer's callbacks may run concurrently, so arrival order is not either: the gateway drops an overtaken frame.)
        using (var last = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (!observer.Frames.Any(f => f.Tick == summary.Ticks) && !last.IsCancellationRequested)
            {
                await Task.Delay(20);
            }
        }

        var ticks = observer.Frames.Select(f => f.Tick).Order().ToArray();
        Assert.NotEmpty(ticks);
        Assert.Equal(Enumerable.Range(ticks[0], summary.Ticks - ticks[0] + 1), ticks);
        var state = new Tanks.Protocol.Snapshots.WorldState();
        var applied = new uint[2];
        foreach (var frame in observer.Frames.OrderBy(f => f.Tick))
        {
            Assert.Equal(Tanks.Protocol.Snapshots.SnapshotReadResult.Ok, Tanks.Protocol.Snapshots.WorldState.TryRead(frame.State, state));
            Assert.Equal((uint)frame.Tick, state.Tick);
            Assert.Equal(2, state.Tanks.Length);
            // The input ack: per tank the newest sequence applied, never going back, never ahead of what was sent.
            for (ushort tank = 0; tank < 2; tank++)
            {
                var last = state.LastInputOf(tank);
                Assert.InRange(last, applied[tank], sequence);
                applied[tank] = last;
            }
        }

        Assert.All(applied, a => Assert.True(a > 1, $"the last frame reflects input {a} of {sequence} sent"));

        // Fire was pressed: some frames carry a BattleEvents message with the shots.
        var withEvents = observer.Frames.Where(f => f.Events.Length > 0).ToList();
        Assert.NotEmpty(withEvents);
        Assert.All(withEvents, f => Assert.Equal(Tanks.Protocol.Game.GameMessageType.BattleEvents, (Tanks.Protocol.Game.GameMessageType)f.Events[0]));
        // Each shot carries its launch record: inside the map, at the speed of the shooter's class.
        var shellSpeeds = info.Assignment.Players.ToDictionary(p => p.Slot, p => TankClasses.All().Single(c => c.Name == p.TankClass).ShellSpeed);
        var shots = 0;
        foreach (var frame in withEvents)
        {
            Assert.True(Tanks.Protocol.Game.BattleEventsMessage.TryMeasure(frame.Events, out var length));
            Assert.Equal(frame.Events.Length, length);
            Assert.Equal(Tanks.Protocol.Game.GameMessageReadResult.Ok, Tanks.Protocol.Game.BattleEventsMessage.TryRead(frame.Events, out var view));
            foreach (var e in view)
            {
                if (e.Kind == Tanks.Protocol.Game.WireEventKind.Shot)
                {
                    shots++;
                    Assert.InRange(e.X, 0, (int)(map.Width * 100));
                    Assert.InRange(e.Y, 0, (int)(map.Height * 100));
                    Assert.Equal(Tanks.Protocol.Snapshots.SnapshotQuantizer.Speed(shellSpeeds[e.Shooter]), e.Speed);
                }
            }
        }

        Assert.True(shots > 0);

        // Results in both accounts; the registry freed both players.
        for (var i = 0; i < 2; i++)
        {
            var stats = (await fixture.Client.GetGrain<IUserGrain>(names[i]).GetProfileAsync())!.Stats!;
            Assert.Equal((1, 1, 0, 0), (stats.Battles, stats.Draws, stats.Wins, stats.Losses));
            Assert.True(stats.Shots > 0, "fire was pressed: shots are counted");
            Assert.Equal(summary.Players.Single(p => p.UserId == ids[i]).Shots, stats.Shots);
            Assert.Equal(PlayerState.Idle, (await Registry.GetPlayerStatusAsync(ids[i])).State);

            // A rated draw between two new accounts: the rating stays, the uncertainty shrinks (Glicko-2).
            var rating = (await fixture.Client.GetGrain<IUserGrain>(names[i]).GetProfileAsync())!.Rating!;
            Assert.Equal(1, rating.RatedBattles);
            Assert.Equal(1500, rating.Rating, precision: 6);
            Assert.InRange(rating.Deviation, 30, 349);
        }
    }

    /// <summary>Waits for the registry's timer to pass over the queue, then counts how many of the players are in a battle.</summary>
    private async Task<int> InBattleAfterAPassAsync(long[] ids)
    {
        await Task.Delay(400); // the matchmaking interval is 100 ms in these tests
        var count = 0;
        foreach (var id in ids)
        {
            if ((await Registry.GetPlayerStatusAsync(id)).State == PlayerState.InBattle)
            {
                count++;
            }
        }

        return count;
    }

    private async Task<Guid> WaitForBattleAsync(long userId)
    {
        for (var i = 0; i < 50; i++)
        {
            var status = await Registry.GetPlayerStatusAsync(userId);
            if (status.State == PlayerState.InBattle)
            {
                return status.BattleId;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("no battle formed");
    }

    private sealed class RecordingObserver : ISessionObserver
    {
        public ConcurrentQueue<BattleFrame> Frames { get; } = new();

        public TaskCompletionSource<BattleSummary> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnFrames(ImmutableArray<BattleFrame> frames)
        {
            foreach (var frame in frames)
            {
                Frames.Enqueue(frame);
            }
        }

        public void OnBattleEnded(BattleSummary summary) => Ended.TrySetResult(summary);
    }
}
