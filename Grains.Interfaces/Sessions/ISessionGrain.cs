using Orleans.Concurrency;

namespace Tanks.Grains.Interfaces.Sessions;

/// <summary>One battle (key: battle id): a server-authoritative fixed-tick simulation.</summary>
[Alias("Tanks.ISessionGrain")]
public interface ISessionGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Sets the battle up with its players, writes its first checkpoint and starts the tick. Called once, by the
    /// registry; it throws (and nothing runs) when the checkpoint cannot be stored, so a battle that could not survive its
    /// silo never starts.
    /// </summary>
    [Alias("Start")]
    Task StartAsync(BattleAssignment assignment);

    /// <summary>A gateway's batch for one tick: the latest input of each of its players in this battle.</summary>
    /// <remarks>
    /// One-way: no response message per battle per tick (a third of the Orleans messages a battle costs). A batch lost
    /// on the way is superseded by the next tick's, so there is nothing a sender could do with an answer.
    /// </remarks>
    [Alias("SubmitInputs")]
    [OneWay]
    Task SubmitInputsAsync(InputBatch batch);

    /// <summary>
    /// Subscribes a gateway to this battle's frames (renew periodically; observers are not durable). A battle whose
    /// silo was lost resumes from its checkpoint on this call. Only a running battle takes the subscription; the status
    /// says otherwise (<see cref="BattlePhase.Ended"/> with the summary, or <see cref="BattlePhase.Unknown"/>: never
    /// started, nothing activated).
    /// </summary>
    [Alias("Subscribe")]
    Task<BattleStatus> SubscribeAsync(ISessionObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(ISessionObserver observer);

    /// <summary>The battle's players and progress (for a reconnecting player's gateway, and for operators); null for an unknown battle.</summary>
    [Alias("GetInfo")]
    Task<BattleInfo?> GetInfoAsync();

    /// <summary>
    /// The battle's definition (map, rules, tank classes) as ready <c>BattleDefinition</c> messages and their hash, which
    /// gateways send before every <c>BattleStart</c>; null for an unknown or ended battle.
    /// </summary>
    [Alias("GetDefinition")]
    Task<BattleDefinitionData?> GetDefinitionAsync();

    /// <summary>
    /// The registry's sweep: answers the battle's status, resuming it from its checkpoint first if its silo was lost (or
    /// carrying on storing its results if it had ended). An unknown battle answers <see cref="BattlePhase.Unknown"/>.
    /// </summary>
    [Alias("EnsureRunning")]
    Task<BattleStatus> EnsureRunningAsync();

    /// <summary>
    /// The silo hosting the battle is stopping: checkpoint and move to another silo (live migration), or, with
    /// <paramref name="canMove"/> false (the last silo), end now as aborted so its players are told and freed.
    /// </summary>
    [Alias("Drain")]
    Task DrainAsync(bool canMove);
}
