using System.Collections.Concurrent;

namespace Tanks.LoadTest;

/// <summary>What every bot adds to: counters (Interlocked), latency histograms, errors by kind.</summary>
public sealed class LoadMetrics
{
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private Histogram _interArrivalWindow = new();

    public Histogram Login { get; } = new();
    public Histogram Register { get; } = new();
    public Histogram Handshake { get; } = new();
    public Histogram InterArrival { get; } = new();
    public Histogram FireToShot { get; } = new();

    public long Logins;
    public long Registrations;
    public long Connected;
    public long InBattle;
    /// <summary>Σ 1/players over the bots in battle, × 1e6 (battles running).</summary>
    public long BattleShares;
    public long BattleStarts;
    public long BattleEnds;
    public long BattlesCompletedShares;
    public long PacketsUp;
    public long PacketsDown;
    public long BytesUp;
    public long BytesDown;
    public long SnapshotsReceived;
    public long ExpectedTicks;
    public long ReceivedTicks;
    public long FireUnanswered;

    public IReadOnlyDictionary<string, long> Errors => _errors;

    public long ErrorCount => _errors.Values.Sum();

    public void Error(string kind) => _errors.AddOrUpdate(kind, 1, static (_, n) => n + 1);

    public void RecordInterArrival(long micros)
    {
        InterArrival.Record(micros);
        Volatile.Read(ref _interArrivalWindow).Record(micros);
    }

    /// <summary>Takes the inter-arrival samples of the last window (the reporter calls this once a second).</summary>
    public Histogram TakeInterArrivalWindow() => Interlocked.Exchange(ref _interArrivalWindow, new Histogram());
}
