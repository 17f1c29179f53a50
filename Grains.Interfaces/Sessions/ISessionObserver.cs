namespace Tanks.Grains.Interfaces.Sessions;

/// <summary>
/// Implemented by each gateway instance that has players in a battle: one world state per tick, then the end.
/// Observers are not durable: gateways renew their subscription while they have players in the battle.
/// </summary>
[Alias("Tanks.ISessionObserver")]
public interface ISessionObserver : IGrainObserver
{
    [Alias("OnFrame")]
    void OnFrame(BattleFrame frame);

    [Alias("OnBattleEnded")]
    void OnBattleEnded(BattleSummary summary);
}
