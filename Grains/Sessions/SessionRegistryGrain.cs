using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Grains.Sessions;

/// <summary>
/// The matchmaking coordinator (the prototype's SessionManager, now without the queue): it knows the queue shards and
/// passes to all of them what concerns all of them (a silo draining, a gateway subscribing), and sums their figures.
/// Players queue through their <see cref="IPlayerGrain"/>, battles report to the shard that formed them, so nothing
/// here is called per join and nothing here grows with the population; it keeps no state of its own.
/// The per-player and per-battle calls it still answers forward to those grains, for gateways and battles of the
/// release before (a battle started then has no shard in its assignment: shard 0 answers for it).
/// </summary>
public sealed partial class SessionRegistryGrain(
    IOptions<MatchmakingOptions> options,
    ILogger<SessionRegistryGrain> logger)
    : Grain, ISessionRegistryGrain
{
    private static readonly TimeSpan ShardCallTimeout = TimeSpan.FromSeconds(3);
    private readonly int _shards = options.Value.Shards;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        RegistryMetrics.Activated();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        RegistryMetrics.Deactivated();
        return Task.CompletedTask;
    }

    private IMatchQueueGrain Shard(int shard) => GrainFactory.GetGrain<IMatchQueueGrain>(shard);

    private IPlayerGrain Player(long userId) => GrainFactory.GetGrain<IPlayerGrain>(userId);

    public Task<PlayerStatus> JoinQueueAsync(long userId, string userName, string tankClass) => Player(userId).JoinQueueAsync(userName, tankClass);

    public Task<PlayerStatus> LeaveQueueAsync(long userId) => Player(userId).LeaveQueueAsync();

    public Task<PlayerStatus> GetPlayerStatusAsync(long userId) => Player(userId).GetStatusAsync();

    public async Task<ImmutableArray<PlayerStatus>> GetPlayerStatusesAsync(ImmutableArray<long> userIds)
        => [.. await Task.WhenAll(userIds.Select(id => Player(id).GetStatusAsync()))];

    public Task BattleEndedAsync(Guid battleId) => Shard(0).BattleEndedAsync(battleId);

    public Task BattleSettledAsync(Guid battleId) => Shard(0).BattleSettledAsync(battleId);

    public Task<bool> IsBattleLiveAsync(Guid battleId) => Shard(0).IsBattleLiveAsync(battleId);

    public async Task SiloDrainingAsync(string silo)
    {
        LogSiloDraining(logger, silo);
        await ToEveryShardAsync(s => s.SiloDrainingAsync(silo), "SiloDraining");
    }

    /// <summary>A gateway hears of the battles every shard forms: its subscription is passed to each (and renewed with it).</summary>
    public Task SubscribeAsync(IMatchObserver observer) => ToEveryShardAsync(s => s.SubscribeAsync(observer), "Subscribe");

    public Task UnsubscribeAsync(IMatchObserver observer) => ToEveryShardAsync(s => s.UnsubscribeAsync(observer), "Unsubscribe");

    public async Task<RegistryStats> GetStatsAsync()
    {
        var stats = await Task.WhenAll(Enumerable.Range(0, _shards).Select(i => Shard(i).GetStatsAsync().WaitAsync(ShardCallTimeout)));
        return new RegistryStats(
            stats.Sum(s => s.QueuedPlayers), stats.Sum(s => s.LiveBattles), stats.Sum(s => s.PlayersInBattle), stats.Sum(s => s.BattlesStarted), _shards);
    }

    public async Task<ImmutableArray<LiveBattle>> ListBattlesAsync(int max)
    {
        max = Math.Clamp(max, 0, ISessionRegistryGrain.MaxListedBattles);
        if (max == 0)
        {
            return [];
        }

        var calls = Enumerable.Range(0, _shards).Select(i => Shard(i).ListBattlesAsync(max).WaitAsync(ShardCallTimeout)).ToArray();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception ex)
        {
            // An operator's list: what answered is worth more than nothing.
            LogShardCallFailed(logger, "ListBattles", calls.Count(c => !c.IsCompletedSuccessfully), _shards, ex.GetType().Name);
        }

        return [.. calls.Where(c => c.IsCompletedSuccessfully).SelectMany(c => c.Result).Take(max)];
    }

    /// <summary>Calls every shard at once, each bounded by a timeout; fails (after trying all) if any failed, so the caller retries.</summary>
    private async Task ToEveryShardAsync(Func<IMatchQueueGrain, Task> call, string what)
    {
        var calls = Enumerable.Range(0, _shards).Select(i => call(Shard(i)).WaitAsync(ShardCallTimeout)).ToArray();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception ex)
        {
            var failed = calls.Count(c => !c.IsCompletedSuccessfully);
            LogShardCallFailed(logger, what, failed, _shards, ex.GetType().Name);
            throw;
        }
    }

    [LoggerMessage(EventId = 206, Level = LogLevel.Information, Message = "Silo {Silo} is draining: no new battles there")]
    private static partial void LogSiloDraining(ILogger logger, string silo);

    [LoggerMessage(EventId = 210, Level = LogLevel.Warning, Message = "{What} reached {Failed} of {Shards} queue shards late or not at all ({Error})")]
    private static partial void LogShardCallFailed(ILogger logger, string what, int failed, int shards, string error);
}
