using System.Collections.Immutable;

namespace Tanks.Grains.Interfaces.Sessions;

/// <summary>
/// Implemented by each gateway instance that has players in a battle: one world state per tick, then the end.
/// Observers are not durable: gateways renew their subscription while they have players in the battle.
/// </summary>
[Alias("Tanks.ISessionObserver")]
public interface ISessionObserver : IGrainObserver
{
    /// <summary>The world state of each tick since the last call, in tick order: usually one, two or three when the
    /// battle caught up with the wall clock (one message, so the ticks cannot overtake each other on the way).</summary>
    [Alias("OnFrames")]
    void OnFrames(ImmutableArray<BattleFrame> frames);

    [Alias("OnBattleEnded")]
    void OnBattleEnded(BattleSummary summary);
}
