using Tanks.Measurement;

namespace Tanks.LoginBench;

/// <summary>Latency summaries over exact samples (a run has at most a few thousand logins per phase), rounded for the report.</summary>
public static class BenchMath
{
    public static LatencySummary Summarize(IEnumerable<double> millis)
    {
        var sorted = millis.Order().ToArray();
        return new LatencySummary(
            sorted.Length,
            Round(Percentile.NearestRank(sorted, 50)),
            Round(Percentile.NearestRank(sorted, 95)),
            Round(Percentile.NearestRank(sorted, 99)),
            Round(sorted.Length == 0 ? 0 : sorted[^1]),
            Round(sorted.Length == 0 ? 0 : sorted.Average()));
    }

    public static double Round(double value, int digits = 2) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}

/// <summary>Latency figures of one phase, in milliseconds.</summary>
public sealed record LatencySummary(int Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs);

/// <summary>
/// The open-loop schedule: login <c>i</c> is due <c>i / rate</c> seconds after the start, whatever happened to the
/// ones before it. Logins due in the first <see cref="WarmupSeconds"/> warm the stack and are not counted.
/// </summary>
public sealed class OpenLoopSchedule
{
    public OpenLoopSchedule(double ratePerSecond, double warmupSeconds, double measuredSeconds)
    {
        if (!(ratePerSecond > 0) || double.IsInfinity(ratePerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "rate must be positive");
        }

        if (warmupSeconds < 0 || !(measuredSeconds > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(measuredSeconds), "warm-up must be >= 0 and the measured window > 0");
        }

        RatePerSecond = ratePerSecond;
        WarmupSeconds = warmupSeconds;
        MeasuredSeconds = measuredSeconds;
        // Logins due at 0, 1/r, 2/r, ... strictly before the end: a bounded count.
        Count = (int)Math.Min(int.MaxValue, Math.Ceiling((warmupSeconds + measuredSeconds) * ratePerSecond - 1e-9));
    }

    public double RatePerSecond { get; }

    public double WarmupSeconds { get; }

    public double MeasuredSeconds { get; }

    /// <summary>How many logins the schedule holds (warm-up included).</summary>
    public int Count { get; }

    /// <summary>When login <paramref name="index"/> is due, in seconds from the start.</summary>
    public double DueSeconds(int index) => index / RatePerSecond;

    /// <summary>Whether login <paramref name="index"/> is due inside the measured window (after the warm-up).</summary>
    public bool IsMeasured(int index)
    {
        var due = DueSeconds(index);
        return due >= WarmupSeconds - 1e-9 && due < WarmupSeconds + MeasuredSeconds - 1e-9;
    }

    /// <summary>Logins due inside the measured window.</summary>
    public int MeasuredCount
    {
        get
        {
            var n = 0;
            for (var i = 0; i < Count; i++)
            {
                n += IsMeasured(i) ? 1 : 0;
            }

            return n;
        }
    }
}
