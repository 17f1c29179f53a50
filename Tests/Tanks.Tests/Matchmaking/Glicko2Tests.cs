using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Matchmaking;

namespace Tanks.Tests.Matchmaking;

public sealed class Glicko2Tests
{
    private static readonly SkillRating Equal = new(1500, 200, 0.06);

    [Fact]
    public void The_papers_worked_example_gives_1464_06_and_151_52_and_0_05999()
    {
        // Glickman, "Example of the Glicko-2 system": one period of a win and two losses. The paper rounds its
        // intermediate values, so its printed figures are matched to their last digit (unrounded: 1464.0507, 151.5165).
        var player = new SkillRating(1500, 200, 0.06);
        var after = Glicko2.Update(player, [(1400, 30, 1), (1550, 100, 0), (1700, 300, 0)]);

        Assert.InRange(after.Rating, 1464.05, 1464.07);
        Assert.InRange(after.Deviation, 151.51, 151.53);
        Assert.InRange(after.Volatility, 0.059985, 0.060000);
        Assert.Equal(3, after.RatedBattles);
    }

    [Fact]
    public void A_win_raises_the_rating_and_a_loss_lowers_it()
    {
        Assert.True(Glicko2.Update(Equal, 1500, 200, 1).Rating > 1500);
        Assert.True(Glicko2.Update(Equal, 1500, 200, 0).Rating < 1500);
    }

    [Fact]
    public void A_draw_between_equals_keeps_the_rating_and_shrinks_the_deviation()
    {
        var after = Glicko2.Update(Equal, 1500, 200, 0.5);

        Assert.Equal(1500, after.Rating, 9);
        Assert.True(after.Deviation < 200);
    }

    [Fact]
    public void Beating_a_stronger_opponent_gains_more_than_beating_a_weaker_one()
    {
        Assert.True(Glicko2.Update(Equal, 1700, 100, 1).Rating > Glicko2.Update(Equal, 1300, 100, 1).Rating);
    }

    [Fact]
    public void The_deviation_shrinks_with_every_battle_and_never_below_its_floor_of_30()
    {
        // A new account settles where each period's volatility adds as much as a battle takes (about 61 at σ 0.06).
        var rating = SkillRating.Initial;
        var deviations = new List<double>();
        for (var battle = 0; battle < 300; battle++)
        {
            rating = Glicko2.Update(rating, 1500, 100, battle % 2);
            deviations.Add(rating.Deviation);
        }

        Assert.True(deviations.Zip(deviations.Skip(1)).All(p => p.Second <= p.First + 1e-9), "never grows while playing");
        Assert.InRange(deviations[^1], Glicko2.MinDeviation, 70);
        Assert.Equal(300, rating.RatedBattles);
    }

    [Fact]
    public void A_steady_veteran_stops_at_the_floor_and_still_moves()
    {
        // Low volatility would drive the deviation to about 25 and the rating nearly still: the floor holds it at 30.
        var rating = new SkillRating(1500, 350, 0.01);
        for (var battle = 0; battle < 300; battle++)
        {
            rating = Glicko2.Update(rating, 1500, 100, battle % 2);
        }

        Assert.Equal(Glicko2.MinDeviation, rating.Deviation);
        Assert.True(Glicko2.Update(rating, 1500, 100, 1).Rating > rating.Rating + 2, "a win still counts");
    }

    [Fact]
    public void An_idle_period_only_grows_the_deviation_and_never_past_a_new_accounts()
    {
        var idle = Glicko2.Update(Equal, ReadOnlySpan<(double, double, double)>.Empty);

        Assert.Equal(1500, idle.Rating);
        Assert.Equal(Math.Sqrt(200 * 200 + Math.Pow(0.06 * Glicko2.Scale, 2)), idle.Deviation, 9);
        Assert.Equal(Glicko2.MaxDeviation, Glicko2.Update(SkillRating.Initial, ReadOnlySpan<(double, double, double)>.Empty).Deviation);
    }

    [Fact]
    public void One_result_is_a_period_of_one()
    {
        Assert.Equal(Glicko2.Update(Equal, [(1550, 100, 1)]), Glicko2.Update(Equal, 1550, 100, 1));
    }

    [Fact]
    public void A_team_is_one_opponent_of_mean_rating_and_root_mean_square_deviation()
    {
        var (rating, deviation) = Glicko2.Composite([(1400, 30), (1600, 90)]);

        Assert.Equal(1500, rating, 9);
        Assert.Equal(Math.Sqrt((30 * 30 + 90 * 90) / 2.0), deviation, 9);
        Assert.Equal((0.0, 0.0), Glicko2.Composite([]));
    }
}
