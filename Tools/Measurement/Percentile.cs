namespace Tanks.Measurement;

/// <summary>
/// Percentiles and medians over exact samples, the one definition every tool reports: nearest rank (the smallest
/// sample with at least p % of the samples at or below it). <see cref="LatencyHistogram"/> uses the same rank.
/// </summary>
public static class Percentile
{
    /// <summary>The nearest-rank percentile of <paramref name="sorted"/> (ascending); 0 without samples.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double percent)
        => sorted.Count == 0 ? 0 : sorted[(int)Math.Clamp(Rank(sorted.Count, percent) - 1, 0, sorted.Count - 1)];

    /// <summary>The 1-based rank of the <paramref name="percent"/> percentile among <paramref name="count"/> samples.</summary>
    public static long Rank(long count, double percent) => (long)Math.Ceiling(percent / 100.0 * count);

    /// <summary>The median of any values (mean of the two middle ones for an even count); 0 without values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
