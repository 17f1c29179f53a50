namespace Tanks.UdpBench;

/// <summary>
/// Rate pacing: how many sends are due at time t for a constant <c>rate</c> from t = 0. A late caller gets at most
/// <c>burstSeconds</c> worth at once (so a stall of the bench does not flood the target's socket in one go), and a
/// backlog older than <c>maxLagSeconds</c> is skipped (counted in <see cref="Skipped"/>) rather than sent late:
/// the achieved rate then shows the shortfall instead of a burst.
/// </summary>
internal sealed class Pacer(double rate, double burstSeconds = 0.002, double maxLagSeconds = 0.01)
{
    private readonly long _burst = Math.Max(1, (long)(rate * burstSeconds));
    private readonly long _maxLag = Math.Max(1, (long)(rate * maxLagSeconds));
    private long _scheduled;

    public long Skipped { get; private set; }

    public int Due(double t)
    {
        var due = (long)(t * rate) - _scheduled;
        if (due > _maxLag)
        {
            Skipped += due - _maxLag;
            _scheduled += due - _maxLag;
            due = _maxLag;
        }

        var n = Math.Clamp(due, 0, _burst);
        _scheduled += n;
        return (int)n;
    }
}
