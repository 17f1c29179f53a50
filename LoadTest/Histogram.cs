namespace Tanks.LoadTest;

/// <summary>
/// A lock-free latency histogram in microseconds: 10 µs buckets below 1 ms, then buckets 2 % wide up to ~10 minutes.
/// Percentiles are bucket midpoints (within 1 % or 5 µs); any thread may record.
/// </summary>
public sealed class Histogram
{
    private const int LinearBuckets = 100;
    private const double Growth = 1.02;
    private static readonly double LogGrowth = Math.Log(Growth);
    private readonly long[] _counts = new long[LinearBuckets + 800];
    private long _count;
    private long _sum;
    private double _sumSquaresShadow;
    private long _max;

    public long Count => Volatile.Read(ref _count);

    public void Record(long micros)
    {
        if (micros < 0)
        {
            micros = 0;
        }

        Interlocked.Increment(ref _counts[Index(micros)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, micros);
        long seen;
        while (micros > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, micros, seen) != seen)
        {
        }
    }

    public void RecordSeconds(double seconds) => Record((long)(seconds * 1_000_000));

    /// <summary>The value (ms) below which <paramref name="percent"/> % of the samples lie; 0 without samples.</summary>
    public double PercentileMs(double percent)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(total * percent / 100.0);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(Mid(i), Volatile.Read(ref _max)) / 1000.0;
            }
        }

        return Volatile.Read(ref _max) / 1000.0;
    }

    public double MeanMs => Count == 0 ? 0 : Volatile.Read(ref _sum) / (double)Count / 1000.0;

    public double MaxMs => Volatile.Read(ref _max) / 1000.0;

    /// <summary>Standard deviation (ms), from the buckets.</summary>
    public double StdDevMs
    {
        get
        {
            var total = Count;
            if (total < 2)
            {
                return 0;
            }

            var mean = MeanMs * 1000.0;
            _sumSquaresShadow = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                var n = Volatile.Read(ref _counts[i]);
                if (n != 0)
                {
                    var d = Mid(i) - mean;
                    _sumSquaresShadow += n * d * d;
                }
            }

            return Math.Sqrt(_sumSquaresShadow / (total - 1)) / 1000.0;
        }
    }

    private static int Index(long micros)
    {
        if (micros < 1000)
        {
            return (int)(micros / 10);
        }

        var i = LinearBuckets + (int)(Math.Log(micros / 1000.0) / LogGrowth);
        return Math.Min(i, LinearBuckets + 799);
    }

    private static double Mid(int index)
    {
        if (index < LinearBuckets)
        {
            return index * 10 + 5;
        }

        var low = 1000.0 * Math.Pow(Growth, index - LinearBuckets);
        return low * (1 + Growth) / 2;
    }
}
