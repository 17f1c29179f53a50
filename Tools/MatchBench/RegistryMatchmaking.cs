using System.Collections.Immutable;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Grains.Sessions;

namespace Tanks.MatchBench;

/// <summary>Today's matchmaking: the <see cref="ISessionRegistryGrain"/> singleton holds the queue and every player in battle.</summary>
public sealed class RegistryMatchmaking(IClusterClient client, IServiceProvider silo) : IMatchmaking
{
    private ISessionRegistryGrain Registry => client.GetGrain<ISessionRegistryGrain>(ISessionRegistryGrain.SingletonKey);

    public BattleOwner Owner => BattleOwner.Registry;

    public Task<PlayerStatus> JoinAsync(BenchPlayer player) => Registry.JoinQueueAsync(player.UserId, player.UserName, player.TankClass);

    public Task<PlayerStatus> LeaveAsync(long userId) => Registry.LeaveQueueAsync(userId);

    public async Task<MatchStats> GetStatsAsync()
    {
        var stats = await Registry.GetStatsAsync();
        return new MatchStats(stats.Queued, stats.PlayersInBattle, stats.LiveBattles, stats.BattlesStarted);
    }

    /// <summary>
    /// Joining 100,000 players one by one would rewrite the whole state 100,000 times (hours at that size), so the
    /// population is written as the registry would have stored it after those joins: full battles formed as its
    /// matchmaker forms them (arrival order, alternating teams), the rest queued. The registry loads it on activation,
    /// as after a failover; its first sweep then finds every battle running on the board.
    /// </summary>
    public async Task<bool> TrySeedAsync(IReadOnlyList<BenchPlayer> players, BattleBoard board)
    {
        var options = silo.GetRequiredService<IOptions<MatchmakingOptions>>().Value;
        var teamSize = MapCapacity.MaxTeamSize(options.Map, options.TeamSize);
        var state = new SessionRegistryState();
        var now = DateTimeOffset.UtcNow;
        var seeds = new Random(players.Count);
        var inBattle = players.Count / (2 * teamSize) * 2 * teamSize;
        for (var first = 0; first < inBattle; first += 2 * teamSize)
        {
            var battle = ImmutableArray.CreateBuilder<BattlePlayer>(2 * teamSize);
            for (var i = 0; i < 2 * teamSize; i++)
            {
                var p = players[first + i];
                battle.Add(new BattlePlayer(p.UserId, i % 2, i % 2 == 0 ? i / 2 : teamSize + i / 2, p.TankClass, p.UserName));
            }

            var assignment = new BattleAssignment(Guid.NewGuid(), options.Map, (ulong)seeds.NextInt64(), battle.MoveToImmutable());
            state.LiveBattles[assignment.BattleId] = assignment;
            foreach (var p in assignment.Players)
            {
                state.PlayerBattles[p.UserId] = assignment.BattleId;
            }

            board.Add(assignment);
            state.BattlesStarted++;
        }

        foreach (var p in players.Skip(inBattle))
        {
            state.Queue.Add(new QueuedPlayer(p.UserId, p.TankClass, now, p.UserName));
        }

        // Where the registry keeps it: the state and storage named on its constructor, under its own grain id.
        var persisted = typeof(SessionRegistryGrain).GetConstructors().Single().GetParameters()
            .Select(p => p.GetCustomAttribute<PersistentStateAttribute>()).Single(a => a is not null)!;
        var storage = silo.GetRequiredKeyedService<IGrainStorage>(persisted.StorageName);
        await storage.WriteStateAsync(persisted.StateName, Registry.GetGrainId(), new GrainState<SessionRegistryState>(state));
        return true;
    }
}
