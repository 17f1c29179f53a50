using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Grains.Interfaces.Matchmaking;

/// <summary>
/// One player's presence in matchmaking (key: user id): the pointer to the battle they are in (stored with the player,
/// not in any index of everyone), their platoon, and the way into the queue. Gateways queue and leave through it; the
/// shard that formed a battle sets and clears the pointer.
/// </summary>
[Alias("Tanks.IPlayerGrain")]
public interface IPlayerGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Queues the player with this tank (a platoon member: marks them ready; the platoon queues once all are); a player
    /// in a live battle is sent back into it instead.
    /// </summary>
    [Alias("JoinQueue")]
    Task<PlayerStatus> JoinQueueAsync(string userName, string tankClass);

    /// <summary>Leaves the queue (a platoon member takes the whole platoon out of it); no effect on a running battle.</summary>
    [Alias("LeaveQueue")]
    Task<PlayerStatus> LeaveQueueAsync();

    [Alias("GetStatus")]
    Task<PlayerStatus> GetStatusAsync();

    /// <summary>The player's client is gone: out of the queue and out of their platoon. A battle in progress keeps them.</summary>
    [Alias("Disconnected")]
    Task DisconnectedAsync();

    /// <summary>The shard that formed a battle points the player at it.</summary>
    [Alias("Matched")]
    Task MatchedAsync(Guid battleId, int shard);

    /// <summary>The battle is over for the player (ignored unless it is the one pointed at).</summary>
    [Alias("BattleOver")]
    Task BattleOverAsync(Guid battleId);

    /// <summary>The platoon grain sets (leader's user id) or clears (0) the player's platoon.</summary>
    [Alias("SetPlatoon")]
    Task SetPlatoonAsync(long leaderId);

    /// <summary>The player's platoon (leader's user id), 0 when alone.</summary>
    [Alias("GetPlatoon")]
    [Orleans.Concurrency.AlwaysInterleave] // reads only; a platoon grain asks it while the player grain waits on that platoon
    Task<long> GetPlatoonAsync();

    /// <summary>The player's gateway asks to hear of platoon changes for them (renew on each connect; observers are not durable).</summary>
    [Alias("Attach")]
    Task AttachAsync(IPlayerObserver observer);

    /// <summary>The player's client is gone from that gateway: stop telling it.</summary>
    [Alias("Detach")]
    Task DetachAsync(IPlayerObserver observer);

    /// <summary>Passes a platoon notice to the player's gateway, if one is attached (platoon grains call this).</summary>
    [Alias("Notify")]
    [Orleans.Concurrency.AlwaysInterleave] // touches no state; a platoon grain tells it while the player grain waits on that platoon
    Task NotifyAsync(PlatoonNotice notice);
}
