using Orleans.Concurrency;

namespace Tanks.Grains.Interfaces.Sessions;

/// <summary>One battle (key: battle id): a server-authoritative fixed-tick simulation.</summary>
[Alias("Tanks.ISessionGrain")]
public interface ISessionGrain : IGrainWithGuidKey
{
    /// <summary>Sets the battle up with its players and starts the tick. Called once, by the registry.</summary>
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

    /// <summary>Subscribes a gateway to this battle's frames (renew periodically; observers are not durable).</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(ISessionObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(ISessionObserver observer);

    /// <summary>The battle's players and progress (for a reconnecting player's gateway, and for operators).</summary>
    [Alias("GetInfo")]
    Task<BattleInfo?> GetInfoAsync();
}
