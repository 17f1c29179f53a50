using Tanks.Grains.Interfaces.Matchmaking;

namespace Tanks.Grains.Matchmaking;

/// <summary>
/// Glicko-2 (Glickman, "Example of the Glicko-2 system", 2013). PLACEHOLDER: the rating stays; replaced by the implementation.
/// </summary>
public static class Glicko2
{
    /// <summary>The player's rating after one rating period against one opponent (score 1 win, 0.5 draw, 0 loss).</summary>
    public static SkillRating Update(SkillRating player, double opponentRating, double opponentDeviation, double score, double tau = 0.5)
        => player with { RatedBattles = player.RatedBattles + 1 };

    /// <summary>A team as one opponent: the mean rating, and the root mean square of the deviations.</summary>
    public static (double Rating, double Deviation) Composite(IEnumerable<(double Rating, double Deviation)> players)
    {
        var list = players.ToList();
        return list.Count == 0 ? (0, 0) : (list.Average(p => p.Rating), Math.Sqrt(list.Average(p => p.Deviation * p.Deviation)));
    }
}
