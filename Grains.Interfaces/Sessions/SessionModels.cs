using System.Collections.Immutable;

namespace Tanks.Grains.Interfaces.Sessions;

[GenerateSerializer, Alias("Tanks.PlayerState")]
public enum PlayerState
{
    Idle = 0,
    Queued = 1,
    InBattle = 2,
}

/// <summary>Where a player stands: idle, queued (position from 1, how long), or in a battle.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.PlayerStatus")]
public sealed record PlayerStatus(
    [property: Id(0)] PlayerState State,
    [property: Id(1)] Guid BattleId = default,
    [property: Id(2)] int QueuePosition = 0,
    [property: Id(3)] int QueueLength = 0,
    [property: Id(4)] TimeSpan Waited = default)
{
    public static PlayerStatus Idle { get; } = new(PlayerState.Idle);
}

/// <summary>One player of a battle: team 0 or 1, the slot (tank index), the tank class, and the account (results go there).</summary>
[GenerateSerializer, Immutable, Alias("Tanks.BattlePlayer")]
public sealed record BattlePlayer(
    [property: Id(0)] long UserId,
    [property: Id(1)] int Team,
    [property: Id(2)] int Slot,
    [property: Id(3)] string TankClass,
    [property: Id(4)] string UserName);

/// <summary>What the registry hands a new battle and tells the gateways.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.BattleAssignment")]
public sealed record BattleAssignment(
    [property: Id(0)] Guid BattleId,
    [property: Id(1)] string MapId,
    [property: Id(2)] ulong Seed,
    [property: Id(3)] ImmutableArray<BattlePlayer> Players);

[GenerateSerializer, Immutable, Alias("Tanks.RegistryStats")]
public sealed record RegistryStats(
    [property: Id(0)] int Queued,
    [property: Id(1)] int LiveBattles,
    [property: Id(2)] int PlayersInBattle,
    [property: Id(3)] long BattlesStarted);
