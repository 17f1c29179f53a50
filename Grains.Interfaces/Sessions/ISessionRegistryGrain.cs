using System.Collections.Immutable;

namespace Tanks.Grains.Interfaces.Sessions;

/// <summary>
/// The singleton (key <see cref="SingletonKey"/>) that matches queued players into battles and indexes the live ones.
/// Called on join, leave, battle start and end only, never per tick. Its state is persisted. It owns every battle it
/// started until the battle is settled: a sweep asks each one for its status, which resumes a battle whose silo was lost.
/// </summary>
[Alias("Tanks.ISessionRegistryGrain")]
public interface ISessionRegistryGrain : IGrainWithIntegerKey
{
    const long SingletonKey = 0;

    /// <summary>Queues the player (user id and name as the sealed connect token carried them); a player already in a live battle is sent back into it instead.</summary>
    [Alias("JoinQueue")]
    Task<PlayerStatus> JoinQueueAsync(long userId, string userName, string tankClass);

    /// <summary>Takes the player out of the queue (no effect on a running battle).</summary>
    [Alias("LeaveQueue")]
    Task<PlayerStatus> LeaveQueueAsync(long userId);

    [Alias("GetPlayerStatus")]
    Task<PlayerStatus> GetPlayerStatusAsync(long userId);

    /// <summary>Many players' status in one call (a gateway polls its queued players once a second), in the order asked.</summary>
    [Alias("GetPlayerStatuses")]
    Task<ImmutableArray<PlayerStatus>> GetPlayerStatusesAsync(ImmutableArray<long> userIds);

    /// <summary>A battle reports its end; its players become free to queue again. The registry keeps watching it until it is settled.</summary>
    [Alias("BattleEnded")]
    Task BattleEndedAsync(Guid battleId);

    /// <summary>An ended battle has stored every result: the registry forgets it.</summary>
    [Alias("BattleSettled")]
    Task BattleSettledAsync(Guid battleId);

    /// <summary>A battle about to resume from a checkpoint asks whether it is still wanted (false: the registry gave it up; it ends aborted).</summary>
    [Alias("IsBattleLive")]
    Task<bool> IsBattleLiveAsync(Guid battleId);

    /// <summary>A silo is stopping: place no new battle there.</summary>
    [Alias("SiloDraining")]
    Task SiloDrainingAsync(string silo);

    /// <summary>A gateway asks to hear of new battles. Observers are not durable: gateways renew this periodically.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IMatchObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IMatchObserver observer);

    [Alias("GetStats")]
    Task<RegistryStats> GetStatsAsync();

    /// <summary>
    /// Live battles across every queue shard, at most <paramref name="max"/> (capped at <see cref="MaxListedBattles"/>),
    /// oldest shard first; for operators (the silo's battle viewer), never on a game path. A shard that does not answer in
    /// time is left out rather than failing the list.
    /// </summary>
    [Alias("ListBattles")]
    Task<ImmutableArray<LiveBattle>> ListBattlesAsync(int max);

    /// <summary>The most battles one <see cref="ListBattlesAsync"/> answers.</summary>
    const int MaxListedBattles = 1000;
}
