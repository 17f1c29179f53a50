using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using StackExchange.Redis;
using Tanks.Grains;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Models;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Grains.Sessions;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Sessions;

/// <summary>
/// Three in-process silos on a real redis-server (battle checkpoints and accounts there, as in production): a battle
/// moves live to another silo without losing a tick, and resumes from its checkpoint when the silo it runs on is killed,
/// one epoch later, with wire ticks above every tick sent before; its results reach the accounts once.
/// </summary>
public sealed class FailoverTests : IAsyncLifetime
{
    private const int TickRate = 20;
    private const int CheckpointTicks = 5; // 250 ms
    private RedisServer _redis = null!;
    private InProcessTestCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var redis = _redis.ConnectionString;
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRedisGrainStorage(StorageNames.Accounts, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            silo.AddRedisGrainStorage(StorageNames.Battles, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            silo.AddRedisMatchStore(ConfigurationOptions.Parse(redis));
            silo.AddTanksGrains();
            silo.Services.Configure<SessionOptions>(o =>
            {
                o.TimeLimit = TimeSpan.FromSeconds(12);
                o.CheckpointInterval = TimeSpan.FromSeconds(CheckpointTicks / (double)TickRate);
            });
            silo.Services.Configure<MatchmakingOptions>(o =>
            {
                o.TeamSize = 1;
                o.Map = "duel";
                o.Interval = TimeSpan.FromMilliseconds(100);
                o.BattleCheckInterval = TimeSpan.FromMilliseconds(500);
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private IClusterClient Client => _cluster.Client;

    private ISessionRegistryGrain Registry => Client.GetGrain<ISessionRegistryGrain>(ISessionRegistryGrain.SingletonKey);

    [Fact]
    public async Task A_battle_moves_live_and_then_resumes_from_its_checkpoint_when_its_silo_is_killed()
    {
        var (names, ids, battleId) = await StartBattleAsync();
        var battle = Client.GetGrain<ISessionGrain>(battleId);
        var observer = new RecordingObserver();
        var reference = Client.CreateObjectReference<ISessionObserver>(observer);
        Assert.Equal(BattlePhase.Running, (await battle.SubscribeAsync(reference)).Phase);
        await observer.WaitForFramesAsync(10);

        // Live migration to another silo: same epoch, and not one tick lost or repeated across the move.
        var origin = (await battle.EnsureRunningAsync()).Silo;
        var target = _cluster.Silos.First(s => s.SiloAddress.ToParsableString() != origin);
        await _cluster.MigrateAsync(battle, target.SiloAddress);
        var moved = await battle.EnsureRunningAsync();
        Assert.Equal((BattlePhase.Running, 0, target.SiloAddress.ToParsableString()), (moved.Phase, moved.Epoch, moved.Silo));
        var seen = observer.Count;
        await observer.WaitForFramesAsync(seen + 10);
        var beforeKill = observer.Snapshot();
        Assert.All(beforeKill, f => Assert.Equal(0, f.Epoch));
        var ticks = beforeKill.Select(f => f.Tick).ToArray();
        Assert.Equal(Enumerable.Range(ticks[0], ticks.Length), ticks);

        // SIGKILL-like: the silo vanishes with the battle. The next call resumes it elsewhere from its checkpoint.
        await _cluster.KillSiloAsync(target);
        var lastTickSent = observer.Snapshot().Max(f => f.Tick);
        var resumed = await Eventually.UntilAsync(async () =>
        {
            var status = await battle.SubscribeAsync(reference).WaitAsync(TimeSpan.FromSeconds(3));
            return status.Phase == BattlePhase.Running ? status : null;
        });
        Assert.Equal(1, resumed.Epoch);
        Assert.NotEqual(target.SiloAddress.ToParsableString(), resumed.Silo);
        // At most one checkpoint interval of game time is lost (plus the write in flight when the silo died).
        Assert.InRange(resumed.Tick, 1, lastTickSent);
        Assert.True(lastTickSent - resumed.Tick <= 2 * CheckpointTicks, $"lost {lastTickSent - resumed.Tick} ticks");

        var firstResumed = await observer.WaitForEpochAsync(1);
        Assert.True(firstResumed.Tick > lastTickSent, $"resumed wire tick {firstResumed.Tick} not above {lastTickSent}");

        // It plays on to its end; each account counts it exactly once, and its shard frees both players. The subscription
        // is renewed meanwhile, as a gateway renews it (observers are not durable): an end is heard either way.
        var summary = await Eventually.UntilAsync(async () =>
        {
            if (observer.Ended.Task.IsCompleted)
            {
                return await observer.Ended.Task;
            }

            var status = await battle.SubscribeAsync(reference).WaitAsync(TimeSpan.FromSeconds(3));
            if (status.Summary is { } ended)
            {
                return ended;
            }

            await Task.WhenAny(observer.Ended.Task, Task.Delay(TimeSpan.FromSeconds(2)));
            return observer.Ended.Task.IsCompleted ? await observer.Ended.Task : null;
        });
        Assert.Equal("Time", summary.Reason);
        foreach (var (name, id) in names.Zip(ids))
        {
            var stats = await Eventually.UntilAsync(async () =>
            {
                var s = (await Client.GetGrain<IUserGrain>(name).GetProfileAsync())!.Stats;
                return s is { Battles: > 0 } ? s : null;
            });
            Assert.Equal(1, stats.Battles);
            Assert.Equal(PlayerState.Idle, (await Eventually.UntilAsync(async () =>
            {
                var s = await Registry.GetPlayerStatusAsync(id);
                return s.State == PlayerState.Idle ? s : null;
            })).State);
        }
    }

    [Fact]
    public async Task A_lost_battle_without_a_checkpoint_is_given_up_and_its_players_are_free_to_queue()
    {
        var (_, ids, battleId) = await StartBattleAsync();
        var battle = Client.GetGrain<ISessionGrain>(battleId);
        var origin = (await battle.EnsureRunningAsync()).Silo;
        var host = _cluster.Silos.First(s => s.SiloAddress.ToParsableString() == origin);

        // Its checkpoint is gone (a store wiped, say) and then its silo: nothing can resume it.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString))
        {
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            var keys = server.Keys(pattern: $"*/state/session/{battleId:N}/*").ToArray();
            Assert.Single(keys);
            await redis.GetDatabase().KeyDeleteAsync(keys[0]);
        }

        await _cluster.KillSiloAsync(host);

        // The registry's sweep finds it unknown and frees both players; they can queue again at once.
        foreach (var id in ids)
        {
            await Eventually.UntilAsync(async () =>
            {
                var s = await Registry.GetPlayerStatusAsync(id);
                return s.State == PlayerState.Idle ? s : null;
            });
        }

        Assert.Equal(PlayerState.Queued, (await Registry.JoinQueueAsync(ids[0], "again", "light")).State);
        await Registry.LeaveQueueAsync(ids[0]);
        Assert.Equal(BattlePhase.Unknown, (await battle.EnsureRunningAsync()).Phase);
    }

    [Fact]
    public async Task A_battle_that_never_started_is_unknown_and_takes_no_subscription()
    {
        var battle = Client.GetGrain<ISessionGrain>(Guid.NewGuid());
        var observer = new RecordingObserver();
        var reference = Client.CreateObjectReference<ISessionObserver>(observer);

        Assert.Equal(BattlePhase.Unknown, (await battle.SubscribeAsync(reference)).Phase);
        Assert.Equal(BattlePhase.Unknown, (await battle.EnsureRunningAsync()).Phase);
        Assert.Null(await battle.GetInfoAsync());
    }

    private async Task<(string[] Names, long[] Ids, Guid BattleId)> StartBattleAsync()
    {
        var names = new[] { "f" + Guid.NewGuid().ToString("N")[..10], "f" + Guid.NewGuid().ToString("N")[..10] };
        var ids = new long[2];
        for (var i = 0; i < 2; i++)
        {
            ids[i] = (await Client.GetGrain<IUserGrain>(names[i]).RegisterAsync(new Secret("correct horse battery"))).UserId;
            await Registry.JoinQueueAsync(ids[i], names[i], "medium");
        }

        var status = await Eventually.UntilAsync(async () =>
        {
            var s = await Registry.GetPlayerStatusAsync(ids[0]);
            return s.State == PlayerState.InBattle ? s : null;
        });
        return (names, ids, status.BattleId);
    }

    private sealed class RecordingObserver : ISessionObserver
    {
        private readonly ConcurrentQueue<BattleFrame> _frames = new();

        public TaskCompletionSource<BattleSummary> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count => _frames.Count;

        public BattleFrame[] Snapshot() => [.. _frames.OrderBy(f => f.Tick)];

        public void OnFrames(ImmutableArray<BattleFrame> frames)
        {
            foreach (var frame in frames)
            {
                _frames.Enqueue(frame);
            }
        }

        public void OnBattleEnded(BattleSummary summary) => Ended.TrySetResult(summary);

        public Task WaitForFramesAsync(int count) => Eventually.UntilAsync(() => Task.FromResult(_frames.Count >= count ? this : null));

        public Task<BattleFrame> WaitForEpochAsync(int epoch)
            => Eventually.UntilAsync(() => Task.FromResult(_frames.Where(f => f.Epoch == epoch).OrderBy(f => f.Tick).FirstOrDefault()));
    }
}
