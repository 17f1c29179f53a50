using System.Collections.Immutable;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Grains.Interfaces.Matchmaking;

/// <summary>
/// One shard of the matchmaking queue (key: shard number, 0 to <c>Matchmaking:Shards</c> − 1). It matches its own
/// tickets into battles on its own timer, independent of the other shards (which run on other silos), and owns the
/// battles it started until they are settled: its sweep resumes one whose silo was lost. Players queue through their
/// <see cref="IPlayerGrain"/>, which picks the shard. Every change is stored as it happens (one hash field), never the
/// whole shard.
/// </summary>
[Alias("Tanks.IMatchQueueGrain")]
public interface IMatchQueueGrain : IGrainWithIntegerKey
{
    /// <summary>Queues a ticket (or updates one already queued, keeping its place); a member already in a battle of this shard gets that battle instead.</summary>
    [Alias("Enqueue")]
    Task<PlayerStatus> EnqueueAsync(MatchTicket ticket);

    /// <summary>Takes a ticket out of the queue; no effect on a running battle.</summary>
    [Alias("Withdraw")]
    Task WithdrawAsync(long ticketId);

    /// <summary>Where each player stands in this shard (queued, in one of its battles, or idle here), in the order asked.</summary>
    [Alias("GetStatuses")]
    Task<ImmutableArray<PlayerStatus>> GetStatusesAsync(ImmutableArray<long> userIds);

    /// <summary>A battle of this shard reports its end; its players are free. The shard keeps watching it until it is settled.</summary>
    [Alias("BattleEnded")]
    Task BattleEndedAsync(Guid battleId);

    /// <summary>An ended battle stored every result: the shard forgets it.</summary>
    [Alias("BattleSettled")]
    Task BattleSettledAsync(Guid battleId);

    /// <summary>A battle about to resume from a checkpoint asks whether it is still wanted (false: given up; it ends aborted).</summary>
    [Alias("IsBattleLive")]
    Task<bool> IsBattleLiveAsync(Guid battleId);

    /// <summary>The registry relays a stopping silo: no new battle of this shard goes there.</summary>
    [Alias("SiloDraining")]
    Task SiloDrainingAsync(string silo);

    /// <summary>A gateway asks to hear of this shard's new battles (renew periodically; observers are not durable).</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IMatchObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IMatchObserver observer);

    [Alias("GetStats")]
    Task<ShardStats> GetStatsAsync();

    /// <summary>This shard's live (not ended) battles, at most <paramref name="max"/>, with the silo each was last seen on.</summary>
    [Alias("ListBattles")]
    Task<ImmutableArray<LiveBattle>> ListBattlesAsync(int max);
}
