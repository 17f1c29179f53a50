using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Grains.Sessions;

/// <summary>The registry's persisted state: the queue, the live battles and who is in which, the ended battles not yet settled.</summary>
[GenerateSerializer, Alias("Tanks.SessionRegistryState")]
public sealed class SessionRegistryState
{
    [Id(0)] public List<QueuedPlayer> Queue { get; set; } = [];
    [Id(1)] public Dictionary<Guid, BattleAssignment> LiveBattles { get; set; } = [];
    [Id(2)] public Dictionary<long, Guid> PlayerBattles { get; set; } = [];
    [Id(3)] public long BattlesStarted { get; set; }

    /// <summary>Battles that ended but have not stored every result yet: still owned (swept) until they say settled.</summary>
    [Id(4)] public HashSet<Guid> Unsettled { get; set; } = [];
}
