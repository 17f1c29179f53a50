using Tanks.Grains.Interfaces.Matchmaking;

namespace Tanks.Grains.Matchmaking;

/// <summary>
/// Glicko-2 as in Glickman, "Example of the Glicko-2 system" (2013, glicko.net/glicko/glicko2.pdf), steps 1 to 8.
/// No maintained .NET library is served here, so this is the paper's algorithm; the tests replay its worked example.
/// </summary>
public static class Glicko2
{
    /// <summary>The paper's factor between the Glicko scale (1500 ± 350) and the Glicko-2 scale (0 ± 2.01).</summary>
    public const double Scale = 173.7178;

    /// <summary>Convergence tolerance of the volatility iteration (step 5), as in the paper.</summary>
    public const double Epsilon = 0.000001;

    /// <summary>
    /// Deviation bounds after an update. The floor keeps a veteran's rating moving: without it, hundreds of battles drive the
    /// deviation towards zero and a player who really improved would need as many again to show it. The ceiling is a new
    /// account's deviation: a long pause never makes a player less known than a stranger.
    /// </summary>
    public const double MinDeviation = 30;

    /// <inheritdoc cref="MinDeviation"/>
    public const double MaxDeviation = 350;

    /// <summary>The player's rating after one rating period against one opponent (score 1 win, 0.5 draw, 0 loss).</summary>
    public static SkillRating Update(SkillRating player, double opponentRating, double opponentDeviation, double score, double tau = 0.5)
        => Update(player, [(opponentRating, opponentDeviation, score)], tau);

    /// <summary>
    /// The player's rating after one rating period with several results (Glicko-2 rates a period's games together, not one
    /// after another). No results: only the deviation grows (step 6 alone), as the paper prescribes for an idle player.
    /// </summary>
    public static SkillRating Update(SkillRating player, ReadOnlySpan<(double Rating, double Deviation, double Score)> results, double tau = 0.5)
    {
        // Step 2: to the Glicko-2 scale.
        var mu = (player.Rating - 1500) / Scale;
        var phi = player.Deviation / Scale;
        var sigma = player.Volatility;
        if (results.IsEmpty)
        {
            return player with { Deviation = ClampDeviation(Scale * Math.Sqrt(phi * phi + sigma * sigma)) };
        }

        // Steps 3 and 4: the estimated variance v and the improvement Δ = v · Σ g(φj)(sj − E).
        var inverseV = 0.0;
        var scoreSum = 0.0;
        foreach (var (rating, deviation, score) in results)
        {
            var g = G(deviation / Scale);
            var e = 1 / (1 + Math.Exp(-g * (mu - (rating - 1500) / Scale)));
            inverseV += g * g * e * (1 - e);
            scoreSum += g * (score - e);
        }

        var v = 1 / inverseV;
        var delta = v * scoreSum;

        // Step 5: the new volatility, and steps 6 to 8.
        var newSigma = NewVolatility(phi, sigma, v, delta, tau);
        var phiStar = Math.Sqrt(phi * phi + newSigma * newSigma);
        var newPhi = 1 / Math.Sqrt(1 / (phiStar * phiStar) + 1 / v);
        var newMu = mu + newPhi * newPhi * scoreSum;
        return new SkillRating(Scale * newMu + 1500, ClampDeviation(Scale * newPhi), newSigma, player.RatedBattles + results.Length);
    }

    /// <summary>
    /// A team as one opponent: the mean rating, and the root mean square of the deviations. A battle's result is rated
    /// against the other team taken as one player of that strength (a 7v7 is one game, not seven duels), and the RMS keeps
    /// the team exactly as uncertain as its average member's variance says (the mean of the deviations would understate it).
    /// </summary>
    public static (double Rating, double Deviation) Composite(IEnumerable<(double Rating, double Deviation)> players)
    {
        var count = 0;
        var ratingSum = 0.0;
        var varianceSum = 0.0;
        foreach (var (rating, deviation) in players)
        {
            count++;
            ratingSum += rating;
            varianceSum += deviation * deviation;
        }

        return count == 0 ? (0, 0) : (ratingSum / count, Math.Sqrt(varianceSum / count));
    }

    private static double G(double phi) => 1 / Math.Sqrt(1 + 3 * phi * phi / (Math.PI * Math.PI));

    private static double ClampDeviation(double deviation) => Math.Clamp(deviation, MinDeviation, MaxDeviation);

    /// <summary>Step 5: the root of f by the Illinois variant of regula falsi, bracketed as in the paper.</summary>
    private static double NewVolatility(double phi, double sigma, double v, double delta, double tau)
    {
        var a = Math.Log(sigma * sigma);
        var phiSquared = phi * phi;
        var deltaSquared = delta * delta;

        double F(double x)
        {
            var ex = Math.Exp(x);
            var denominator = phiSquared + v + ex;
            return ex * (deltaSquared - phiSquared - v - ex) / (2 * denominator * denominator) - (x - a) / (tau * tau);
        }

        var lower = a;
        double upper;
        if (deltaSquared > phiSquared + v)
        {
            upper = Math.Log(deltaSquared - phiSquared - v);
        }
        else
        {
            var k = 1;
            while (F(a - k * tau) < 0)
            {
                k++;
            }

            upper = a - k * tau;
        }

        var fLower = F(lower);
        var fUpper = F(upper);
        while (Math.Abs(upper - lower) > Epsilon)
        {
            var c = lower + (lower - upper) * fLower / (fUpper - fLower);
            var fC = F(c);
            if (fC * fUpper <= 0)
            {
                lower = upper;
                fLower = fUpper;
            }
            else
            {
                fLower /= 2; // the Illinois step: halving the stale end's value keeps the bracket shrinking from both sides
            }

            upper = c;
            fUpper = fC;
        }

        return Math.Exp(lower / 2);
    }
}
