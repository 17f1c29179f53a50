using System.Collections.Immutable;

namespace Tanks.Grains.Interfaces.Sessions;

[GenerateSerializer, Alias("Tanks.PlayerState")]
public enum PlayerState
{
    Idle = 0,
    Queued = 1,
    InBattle = 2,
}

/// <summary>
/// Where a player stands: idle, queued (position from 1, how long; position 0: a platoon member waiting for the others
/// to be ready), or in a battle. <see cref="Shard"/>: the queue shard that holds the player's ticket or battle (-1: none).
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.PlayerStatus")]
public sealed record PlayerStatus(
    [property: Id(0)] PlayerState State,
    [property: Id(1)] Guid BattleId = default,
    [property: Id(2)] int QueuePosition = 0,
    [property: Id(3)] int QueueLength = 0,
    [property: Id(4)] TimeSpan Waited = default,
    [property: Id(5)] int Shard = -1)
{
    public static PlayerStatus Idle { get; } = new(PlayerState.Idle);
}

/// <summary>
/// One player of a battle: team 0 or 1, the slot (tank index), the tank class, the account (results go there), and the
/// skill rating the player was matched with (the other team's ratings are what a result is rated against).
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.BattlePlayer")]
public sealed record BattlePlayer(
    [property: Id(0)] long UserId,
    [property: Id(1)] int Team,
    [property: Id(2)] int Slot,
    [property: Id(3)] string TankClass,
    [property: Id(4)] string UserName,
    [property: Id(5)] double Rating = 0,
    [property: Id(6)] double Deviation = 0,
    [property: Id(7)] long Platoon = 0);

/// <summary>What a queue shard hands a new battle and tells the gateways; <see cref="Shard"/> owns the battle until it is settled.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.BattleAssignment")]
public sealed record BattleAssignment(
    [property: Id(0)] Guid BattleId,
    [property: Id(1)] string MapId,
    [property: Id(2)] ulong Seed,
    [property: Id(3)] ImmutableArray<BattlePlayer> Players,
    [property: Id(4)] int Shard = 0);

/// <summary>
/// A live battle as its queue shard knows it (for operators' lists): the assignment and the silo the shard last saw it on
/// (null until its first placement or sweep answer).
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.LiveBattle")]
public sealed record LiveBattle(
    [property: Id(0)] BattleAssignment Assignment,
    [property: Id(1)] string? Silo);

/// <summary>The cluster's matchmaking figures, summed over the queue shards.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.RegistryStats")]
public sealed record RegistryStats(
    [property: Id(0)] int Queued,
    [property: Id(1)] int LiveBattles,
    [property: Id(2)] int PlayersInBattle,
    [property: Id(3)] long BattlesStarted,
    [property: Id(4)] int Shards = 1);
