using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using StackExchange.Redis;
using Tanks.Grains;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Grains.Sessions;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Matchmaking;

/// <summary>
/// Three in-process silos, four queue shards, the shards' store in a real redis-server: players queue in the shard of
/// their user id, each join is one hash field, and killing the silo of a shard with players in its queue loses none of
/// them (the shard comes back on another silo with every ticket and its waiting time, and goes on matching).
/// </summary>
public sealed class ShardFailoverTests : IAsyncLifetime
{
    private const int Shards = 4;
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
            silo.Services.Configure<SessionOptions>(o => o.TimeLimit = TimeSpan.FromSeconds(5));
            silo.Services.Configure<MatchmakingOptions>(o =>
            {
                o.Shards = Shards;
                o.TeamSize = 2;
                o.Map = "duel";
                o.Interval = TimeSpan.FromMilliseconds(100);
                o.BattleCheckInterval = TimeSpan.FromMilliseconds(500);
                // Nothing smaller than 2v2 forms while the test runs: three players in a shard wait.
                o.ReducedTeamsAfter = TimeSpan.FromMinutes(30);
                o.ReducedTeamSize = 2;
                o.AnyTeamsAfter = TimeSpan.FromMinutes(30);
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

    [Fact]
    public async Task Killing_a_shards_silo_loses_none_of_its_queued_players_and_the_shard_matches_on()
    {
        // Users 1..12: three in each shard (user id mod 4). None can form a 2v2 alone... until a fourth joins.
        var ids = Enumerable.Range(1, 12).Select(i => (long)i).ToArray();
        foreach (var id in ids)
        {
            var status = await Client.GetGrain<IPlayerGrain>(id).JoinQueueAsync($"player{id}", "medium");
            Assert.Equal((PlayerState.Queued, (int)(id % Shards)), (status.State, status.Shard));
        }

        // One hash field per ticket, per shard: what a join writes.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString))
        {
            var serviceId = _cluster.Options.ServiceId;
            for (var shard = 0; shard < Shards; shard++)
            {
                Assert.Equal(3, await redis.GetDatabase().HashLengthAsync($"{serviceId}/match/{shard}/tickets"));
            }
        }

        var shardOne = Client.GetGrain<IMatchQueueGrain>(1);
        var before = await shardOne.GetStatsAsync();
        Assert.Equal((3, 3, 0), (before.QueuedPlayers, before.QueuedTickets, before.LiveBattles));
        var inShardOne = ids.Where(id => id % Shards == 1).ToArray();
        var waitedBefore = (await shardOne.GetStatusesAsync([.. inShardOne])).Select(s => s.Waited).ToArray();

        // SIGKILL-like: the shard's silo vanishes. The next call activates the shard elsewhere, from the store.
        var host = _cluster.Silos.First(s => s.SiloAddress.ToParsableString() == before.Silo);
        await _cluster.KillSiloAsync(host);
        var after = await Eventually.UntilAsync(async () =>
        {
            var stats = await shardOne.GetStatsAsync().WaitAsync(TimeSpan.FromSeconds(3));
            return stats.Silo != before.Silo ? stats : null;
        });
        Assert.Equal((3, 3), (after.QueuedPlayers, after.QueuedTickets));
        var statuses = await shardOne.GetStatusesAsync([.. inShardOne]);
        for (var i = 0; i < inShardOne.Length; i++)
        {
            Assert.Equal(PlayerState.Queued, statuses[i].State);
            Assert.True(statuses[i].Waited >= waitedBefore[i], "a ticket keeps the time it was queued at");
        }

        // A fourth player in shard 1 makes a 2v2: all four are in one battle, the other shards' players still wait.
        var fourth = 13L;
        await Client.GetGrain<IPlayerGrain>(fourth).JoinQueueAsync("player13", "heavy");
        long[] battlePlayers = [.. inShardOne, fourth];
        var battleId = (await Eventually.UntilAsync(async () =>
        {
            var s = await Client.GetGrain<IPlayerGrain>(fourth).GetStatusAsync();
            return s.State == PlayerState.InBattle ? s : null;
        })).BattleId;
        foreach (var id in battlePlayers)
        {
            var status = await Eventually.UntilAsync(async () =>
            {
                var s = await Client.GetGrain<IPlayerGrain>(id).GetStatusAsync();
                return s.State == PlayerState.InBattle ? s : null;
            });
            Assert.Equal(battleId, status.BattleId);
        }

        var info = await Client.GetGrain<ISessionGrain>(battleId).GetInfoAsync();
        Assert.Equal(1, info!.Assignment.Shard);
        Assert.Equal(battlePlayers.Order(), info.Assignment.Players.Select(p => p.UserId).Order());
        foreach (var id in ids.Where(id => id % Shards != 1))
        {
            Assert.Equal(PlayerState.Queued, (await Client.GetGrain<IPlayerGrain>(id).GetStatusAsync()).State);
        }

        // The battle ends (5 s limit): its players are free and may queue again; the shard forgets it once settled.
        foreach (var id in battlePlayers)
        {
            await Eventually.UntilAsync(async () =>
            {
                var s = await Client.GetGrain<IPlayerGrain>(id).GetStatusAsync();
                return s.State == PlayerState.Idle ? s : null;
            });
        }

        await Eventually.UntilAsync(async () =>
        {
            var stats = await shardOne.GetStatsAsync();
            return stats is { LiveBattles: 0, PlayersInBattle: 0 } ? stats : null;
        });
        var totals = await Client.GetGrain<ISessionRegistryGrain>(ISessionRegistryGrain.SingletonKey).GetStatsAsync();
        Assert.Equal((9, 0, 0, 1L, Shards), (totals.Queued, totals.LiveBattles, totals.PlayersInBattle, totals.BattlesStarted, totals.Shards));
    }
}
