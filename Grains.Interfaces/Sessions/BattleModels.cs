using System.Collections.Immutable;

namespace Tanks.Grains.Interfaces.Sessions;

/// <summary>One player's controls for a tick, already range-checked by the gateway (the simulation clamps again).</summary>
[GenerateSerializer, Immutable, Alias("Tanks.PlayerInput")]
public readonly record struct PlayerInput(
    [property: Id(0)] long UserId,
    [property: Id(1)] float Throttle,
    [property: Id(2)] float Steering,
    [property: Id(3)] float TurretYaw,
    [property: Id(4)] bool Fire,
    [property: Id(5)] uint Sequence);

/// <summary>The inputs one gateway collected for one battle since its last batch: latest per player wins.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.InputBatch")]
public sealed record InputBatch([property: Id(0)] ImmutableArray<PlayerInput> Inputs);

/// <summary>
/// One tick's world state, pushed once per tick to each subscribed gateway. <see cref="State"/> is the quantized world
/// state in its binary form (<c>Tanks.Protocol.Snapshots.WorldState.TryRead</c>) that gateways delta-encode per client;
/// <see cref="Events"/> holds the tick's ready <c>BattleEvents</c> messages back to back (usually one; empty when nothing
/// happened; split with <c>BattleEventsMessage.TryMeasure</c>).
/// Spotting: each tank and shell in <see cref="State"/> carries the teams that may see it (the gateway encodes each client
/// against its team's view, <c>WorldState.CopyTeamView</c>); <see cref="Events"/> holds all of the tick's events (for an
/// observer that sees everything, like the viewer), <see cref="EventsTeam0"/> and <see cref="EventsTeam1"/> what each
/// team may learn of (null: that team gets <see cref="Events"/>, as without spotting).
/// <see cref="Epoch"/> counts the battle's resumptions from a checkpoint: when it grows, ticks may start over lower (the
/// checkpoint's), so a gateway forgets its baselines and sends each player <c>BattleStart</c> and a full snapshot again.
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.BattleFrame")]
public sealed record BattleFrame(
    [property: Id(0)] Guid BattleId,
    [property: Id(1)] int Tick,
    [property: Id(2)] byte[] State,
    [property: Id(3)] byte[] Events,
    [property: Id(4)] int Epoch = 0,
    [property: Id(5)] byte[]? EventsTeam0 = null,
    [property: Id(6)] byte[]? EventsTeam1 = null);

/// <summary>
/// A battle's definition (map, rules, tank classes) as ready <c>BattleDefinition</c> messages (one per part, in order)
/// and its hash (the one <c>BattleStart</c> names). Battles on the same map with the same rules have the same hash, so a
/// gateway keeps one copy per hash.
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.BattleDefinitionData")]
public sealed record BattleDefinitionData(
    [property: Id(0)] ulong Hash,
    [property: Id(1)] ImmutableArray<byte[]> Messages);

/// <summary>The end of a battle: winner (0, 1, or -1 for a draw), why, and each player's outcome.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.BattleSummary")]
public sealed record BattleSummary(
    [property: Id(0)] Guid BattleId,
    [property: Id(1)] int WinnerTeam,
    [property: Id(2)] string Reason,
    [property: Id(3)] int Ticks,
    [property: Id(4)] ImmutableArray<PlayerOutcome> Players);

[GenerateSerializer, Immutable, Alias("Tanks.PlayerOutcome")]
public sealed record PlayerOutcome(
    [property: Id(0)] long UserId,
    [property: Id(1)] int Team,
    [property: Id(2)] int Kills,
    [property: Id(3)] int DamageDealt,
    [property: Id(4)] int DamageReceived,
    [property: Id(5)] int Shots,
    [property: Id(6)] int Hits,
    [property: Id(7)] bool Survived);

/// <summary>A battle's players and progress; <see cref="Epoch"/> and <see cref="Silo"/> as in <see cref="BattleStatus"/>.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.BattleInfo")]
public sealed record BattleInfo(
    [property: Id(0)] BattleAssignment Assignment,
    [property: Id(1)] int Tick,
    [property: Id(2)] int TickRate,
    [property: Id(3)] bool Over,
    [property: Id(4)] int Epoch = 0,
    [property: Id(5)] string? Silo = null);

[GenerateSerializer, Alias("Tanks.BattlePhase")]
public enum BattlePhase
{
    /// <summary>No such battle: never started, or over and settled long ago. Nothing was activated for it.</summary>
    Unknown = 0,

    /// <summary>Ticking (or resumed from its checkpoint by this very call).</summary>
    Running = 1,

    /// <summary>Over; <see cref="BattleStatus.Summary"/> says how. Results may still be on their way into the accounts.</summary>
    Ended = 2,
}

/// <summary>
/// What a battle says of itself when asked (gateways subscribing, the registry's sweep): phase, tick, epoch, the silo it
/// runs on, and once over its summary and whether every result is stored (<see cref="Settled"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.BattleStatus")]
public sealed record BattleStatus(
    [property: Id(0)] BattlePhase Phase,
    [property: Id(1)] int Tick = 0,
    [property: Id(2)] int Epoch = 0,
    [property: Id(3)] string? Silo = null,
    [property: Id(4)] BattleSummary? Summary = null,
    [property: Id(5)] bool Settled = false)
{
    public static BattleStatus Unknown { get; } = new(BattlePhase.Unknown);
}
