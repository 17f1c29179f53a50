namespace Tanks.Grains.Interfaces.Sessions;

/// <summary>One battle (key: battle id): a server-authoritative fixed-tick simulation.</summary>
[Alias("Tanks.ISessionGrain")]
public interface ISessionGrain : IGrainWithGuidKey
{
    /// <summary>Sets the battle up with its players and starts the tick. Called once, by the registry.</summary>
    [Alias("Start")]
    Task StartAsync(BattleAssignment assignment);
}
