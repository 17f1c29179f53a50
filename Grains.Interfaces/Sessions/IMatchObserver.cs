namespace Tanks.Grains.Interfaces.Sessions;

/// <summary>Implemented by each gateway instance: told of every battle formed, it picks out its own players.</summary>
[Alias("Tanks.IMatchObserver")]
public interface IMatchObserver : IGrainObserver
{
    [Alias("BattleStarted")]
    void BattleStarted(BattleAssignment assignment);
}
