using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Grains.Sessions;

/// <summary>
/// A battle's persisted state: while it runs, its whole simulation (<c>Battle.WriteBinary</c>) at a recent tick, so an
/// activation on another silo resumes it; once over, its summary and the results not yet stored in the accounts (an
/// outbox, retried until empty). Cleared when the battle is settled.
/// </summary>
[GenerateSerializer, Alias("Tanks.BattleCheckpoint")]
public sealed class BattleCheckpoint
{
    [Id(0)] public BattleAssignment? Assignment { get; set; }
    [Id(1)] public BattlePhase Phase { get; set; }
    [Id(2)] public byte[]? Simulation { get; set; }
    [Id(3)] public int Tick { get; set; }
    [Id(4)] public int Epoch { get; set; }
    [Id(5)] public BattleSummary? Summary { get; set; }
    [Id(6)] public List<long> Unrecorded { get; set; } = [];
    [Id(7)] public bool RegistryTold { get; set; }
    [Id(8)] public DateTime SavedAtUtc { get; set; }

    /// <summary>What the battle adds to its ticks on the wire (grows with each resume: see <c>WorldStateBuilder.TickOffset</c>).</summary>
    [Id(9)] public int TickOffset { get; set; }
}

/// <summary>What a battle takes along when it moves to another silo (live migration): the exact state and its subscribers.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.MigratedBattle")]
public sealed record MigratedBattle(
    [property: Id(0)] BattleAssignment Assignment,
    [property: Id(1)] byte[] Simulation,
    [property: Id(2)] int Epoch,
    [property: Id(3)] ISessionObserver[] Observers,
    [property: Id(4)] int TickOffset,
    [property: Id(5)] uint[]? InputSequences = null);
