namespace Tanks.Grains.Interfaces.Models;

/// <summary>The public part of an account.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.UserProfile")]
public sealed record UserProfile(
    [property: Id(0)] long UserId,
    [property: Id(1)] string UserName,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] UserStats? Stats = null,
    [property: Id(4)] Matchmaking.SkillRating? Rating = null);
