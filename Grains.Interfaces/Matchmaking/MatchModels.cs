using System.Collections.Immutable;

namespace Tanks.Grains.Interfaces.Matchmaking;

/// <summary>
/// A player's skill on the Glicko scale (Glicko-2 inside): a new account starts at 1500 ± 350 with volatility 0.06.
/// <see cref="Deviation"/> is the uncertainty (one standard deviation); it shrinks as battles are played.
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.SkillRating")]
public sealed record SkillRating(
    [property: Id(0)] double Rating,
    [property: Id(1)] double Deviation,
    [property: Id(2)] double Volatility,
    [property: Id(3)] int RatedBattles = 0)
{
    public static SkillRating Initial { get; } = new(1500, 350, 0.06);
}

/// <summary>One player in a <see cref="MatchTicket"/>: who, with which tank, and how good.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.TicketMember")]
public sealed record TicketMember(
    [property: Id(0)] long UserId,
    [property: Id(1)] string UserName,
    [property: Id(2)] string TankClass,
    [property: Id(3)] double Rating,
    [property: Id(4)] double Deviation);

/// <summary>
/// What waits in a queue shard: one player, or a platoon of up to three who are matched together onto one team.
/// <see cref="TicketId"/> is the user id of the player (or the platoon's leader).
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.MatchTicket")]
public sealed record MatchTicket(
    [property: Id(0)] long TicketId,
    [property: Id(1)] ImmutableArray<TicketMember> Members,
    [property: Id(2)] DateTimeOffset QueuedAt)
{
    public const int MaxPlatoonSize = 3;
}

/// <summary>One shard's figures: queued tickets and players, live battles it owns and their players, battles formed so far, the silo it runs on.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.ShardStats")]
public sealed record ShardStats(
    [property: Id(0)] int Shard,
    [property: Id(1)] int QueuedPlayers,
    [property: Id(2)] int LiveBattles,
    [property: Id(3)] int PlayersInBattle,
    [property: Id(4)] long BattlesStarted,
    [property: Id(5)] int QueuedTickets,
    [property: Id(6)] string? Silo = null);
