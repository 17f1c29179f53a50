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
/// <see cref="Events"/> is a ready <c>BattleEvents</c> message for the players (empty when nothing happened).
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.BattleFrame")]
public sealed record BattleFrame(
    [property: Id(0)] Guid BattleId,
    [property: Id(1)] int Tick,
    [property: Id(2)] byte[] State,
    [property: Id(3)] byte[] Events);

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

[GenerateSerializer, Immutable, Alias("Tanks.BattleInfo")]
public sealed record BattleInfo(
    [property: Id(0)] BattleAssignment Assignment,
    [property: Id(1)] int Tick,
    [property: Id(2)] int TickRate,
    [property: Id(3)] bool Over);
