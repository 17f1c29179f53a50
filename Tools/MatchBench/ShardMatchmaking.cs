using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Grains.Matchmaking;
using Tanks.Grains.Sessions;

namespace Tanks.MatchBench;

/// <summary>
/// The sharded matchmaking: a gateway joins through the player's own <see cref="IPlayerGrain"/>, which queues the player
/// in their <see cref="IMatchQueueGrain"/> shard; battles report their end to that shard.
/// (The singleton registry this replaced was benched as <c>--api registry</c> at commit 6efe3c7: docs/matchmaking-bench.md.)
/// </summary>
public sealed class ShardMatchmaking(IClusterClient client, IServiceProvider silo) : IMatchmaking
{
    private readonly MatchmakingOptions _options = silo.GetRequiredService<IOptions<MatchmakingOptions>>().Value;

    public BattleOwner Owner => BattleOwner.Shard;

    public Task<PlayerStatus> JoinAsync(BenchPlayer player)
        => client.GetGrain<IPlayerGrain>(player.UserId).JoinQueueAsync(player.UserName, player.TankClass);

    public Task<PlayerStatus> LeaveAsync(long userId) => client.GetGrain<IPlayerGrain>(userId).LeaveQueueAsync();

    public async Task<MatchStats> GetStatsAsync()
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, _options.Shards).Select(i => client.GetGrain<IMatchQueueGrain>(i).GetStatsAsync()));
        return new MatchStats(shards.Sum(s => s.QueuedPlayers), shards.Sum(s => s.PlayersInBattle), shards.Sum(s => s.LiveBattles), shards.Sum(s => s.BattlesStarted));
    }

    /// <summary>
    /// The population as the shards would have stored it after that many joins: full battles of players of one shard
    /// (user id mod shards), one field each in the shard's battles hash, as it writes them. Each shard loads its hash on
    /// activation, as after a failover; the rest of the players are idle and join in the window.
    /// </summary>
    public async Task<bool> TrySeedAsync(IReadOnlyList<BenchPlayer> players, BattleBoard board)
    {
        var store = silo.GetRequiredService<IMatchStore>();
        var serializer = silo.GetRequiredService<Serializer>();
        var serviceId = silo.GetRequiredService<IOptions<Orleans.Configuration.ClusterOptions>>().Value.ServiceId;
        var teamSize = MapCapacity.MaxTeamSize(_options.Map, _options.TeamSize);
        var seeds = new Random(players.Count);
        foreach (var shard in players.GroupBy(p => PlayerGrain.ShardOf(p.UserId, _options.Shards)))
        {
            var members = shard.ToList();
            var fields = new List<KeyValuePair<string, byte[]?>>();
            for (var first = 0; first + 2 * teamSize <= members.Count; first += 2 * teamSize)
            {
                var battle = ImmutableArray.CreateBuilder<BattlePlayer>(2 * teamSize);
                for (var i = 0; i < 2 * teamSize; i++)
                {
                    var p = members[first + i];
                    battle.Add(new BattlePlayer(p.UserId, i % 2, i % 2 == 0 ? i / 2 : teamSize + i / 2, p.TankClass, p.UserName, 1500, 350));
                }

                var assignment = new BattleAssignment(Guid.NewGuid(), _options.Map, (ulong)seeds.NextInt64(), battle.MoveToImmutable(), shard.Key);
                fields.Add(new(assignment.BattleId.ToString("N"), serializer.SerializeToArray(new ShardBattle(assignment, Ended: false))));
                board.Add(assignment);
            }

            // Written in slices, as Redis takes large batches: the seed is not what is measured.
            foreach (var slice in fields.Chunk(500))
            {
                await store.WriteAsync($"{serviceId}/match/{shard.Key.ToString(CultureInfo.InvariantCulture)}/battles", slice);
            }
        }

        return true;
    }
}
