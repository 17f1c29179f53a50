using HdrHistogram;

namespace Tanks.Measurement;

/// <summary>
/// A latency histogram in microseconds on HdrHistogram (3 significant digits, up to 10 minutes); any thread may
/// record. Percentiles are nearest rank (<see cref="Percentile.Rank"/>) at the bucket's highest value (within 0.1 %),
/// never above the largest sample; the mean and the maximum are exact.
/// </summary>
public sealed class LatencyHistogram
{
    private const long MaxMicros = 600_000_000;
    private readonly LongConcurrentHistogram _histogram = new(1, MaxMicros, 3);
    private long _count;
    private long _sum;
    private long _max;

    public long Count => Volatile.Read(ref _count);

    public void Record(long micros)
    {
        micros = Math.Clamp(micros, 0, MaxMicros);
        _histogram.RecordValue(micros);
        Interlocked.Add(ref _sum, micros);
        Interlocked.Increment(ref _count);
        long seen;
        while (micros > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, micros, seen) != seen)
        {
        }
    }

    public void RecordSeconds(double seconds) => Record((long)(seconds * 1_000_000));

    /// <summary>The value (ms) at or below which <paramref name="percent"/> % of the samples lie (nearest rank); 0 without samples.</summary>
    public double PercentileMs(double percent)
    {
        var total = _histogram.TotalCount;
        if (total == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, Percentile.Rank(total, percent));
        var max = Volatile.Read(ref _max);
        foreach (var step in _histogram.RecordedValues())
        {
            if (step.TotalCountToThisValue >= rank)
            {
                return Math.Min(_histogram.HighestEquivalentValue(step.ValueIteratedTo), max) / 1000.0;
            }
        }

        return max / 1000.0;
    }

    public double MeanMs => Count == 0 ? 0 : Volatile.Read(ref _sum) / (double)Count / 1000.0;

    public double MaxMs => Volatile.Read(ref _max) / 1000.0;

    /// <summary>Sample standard deviation (ms), from the buckets.</summary>
    public double StdDevMs
    {
        get
        {
            var total = _histogram.TotalCount;
            if (total < 2)
            {
                return 0;
            }

            var mean = _histogram.GetMean();
            var squares = 0.0;
            foreach (var step in _histogram.RecordedValues())
            {
                var d = _histogram.MedianEquivalentValue(step.ValueIteratedTo) - mean;
                squares += step.CountAddedInThisIterationStep * d * d;
            }

            return Math.Sqrt(squares / (total - 1)) / 1000.0;
        }
    }
}
