namespace Tanks.Grains.Interfaces.Models;

/// <summary>
/// One player's result of one battle, written into their account when the battle ends. <see cref="OpponentRating"/> and
/// <see cref="OpponentDeviation"/>: the other team as one opponent (its mean rating, its combined deviation) that the
/// result updates the player's skill rating against; a deviation of 0 means unrated (the rating stays).
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.BattleOutcome")]
public sealed record BattleOutcome(
    [property: Id(0)] Guid BattleId,
    [property: Id(1)] BattleOutcomeKind Result,
    [property: Id(2)] int Kills,
    [property: Id(3)] int DamageDealt,
    [property: Id(4)] int DamageReceived,
    [property: Id(5)] int Shots,
    [property: Id(6)] int Hits,
    [property: Id(7)] bool Survived,
    [property: Id(8)] double OpponentRating = 0,
    [property: Id(9)] double OpponentDeviation = 0);

[GenerateSerializer, Alias("Tanks.BattleOutcomeKind")]
public enum BattleOutcomeKind
{
    Draw = 0,
    Win = 1,
    Loss = 2,
}

/// <summary>Lifetime stats of an account.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.UserStats")]
public sealed record UserStats(
    [property: Id(0)] int Battles,
    [property: Id(1)] int Wins,
    [property: Id(2)] int Losses,
    [property: Id(3)] int Draws,
    [property: Id(4)] int Kills,
    [property: Id(5)] long DamageDealt,
    [property: Id(6)] long Shots,
    [property: Id(7)] long Hits)
{
    public static UserStats Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    public UserStats Add(BattleOutcome outcome) => new(
        Battles + 1,
        Wins + (outcome.Result == BattleOutcomeKind.Win ? 1 : 0),
        Losses + (outcome.Result == BattleOutcomeKind.Loss ? 1 : 0),
        Draws + (outcome.Result == BattleOutcomeKind.Draw ? 1 : 0),
        Kills + outcome.Kills,
        DamageDealt + outcome.DamageDealt,
        Shots + outcome.Shots,
        Hits + outcome.Hits);
}
