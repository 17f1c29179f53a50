using System.Collections.Concurrent;
using Tanks.Measurement;

namespace Tanks.LoadTest;

/// <summary>
/// What every bot adds to: counters (Interlocked), latency histograms, errors by kind. The traffic counters run for the
/// whole run (the timeline needs them; the report takes differences, see <see cref="MeasuredWindow"/>); the
/// inter-arrival and fire-to-shot histograms, unanswered fires and tick loss count only once <see cref="Measuring"/>.
/// </summary>
public sealed class LoadMetrics
{
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private LatencyHistogram _interArrivalWindow = new();
    private volatile bool _measuring;

    public LatencyHistogram Login { get; } = new();
    public LatencyHistogram Register { get; } = new();
    public LatencyHistogram Handshake { get; } = new();
    public LatencyHistogram InterArrival { get; } = new();
    public LatencyHistogram FireToShot { get; } = new();
    public TroubleMetrics Trouble { get; } = new();

    public long Logins;
    public long Registrations;
    /// <summary>Sessions renewed with <c>refresh</c> (a reconnect) instead of a login.</summary>
    public long Refreshes;
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

    /// <summary>True from the warmup's end on (a volatile read: bots check it per snapshot).</summary>
    public bool Measuring => _measuring;

    public IReadOnlyDictionary<string, long> Errors => _errors;

    public long ErrorCount => _errors.Values.Sum();

    /// <summary>The warmup is over: from now on the windowed figures count.</summary>
    public void BeginMeasurement() => _measuring = true;

    public void Error(string kind) => _errors.AddOrUpdate(kind, 1, static (_, n) => n + 1);

    /// <summary>Every gap goes to the timeline's second; the report's histogram takes only the measured window's.</summary>
    public void RecordInterArrival(long micros)
    {
        if (_measuring)
        {
            InterArrival.Record(micros);
        }

        Volatile.Read(ref _interArrivalWindow).Record(micros);
    }

    public void RecordFireToShot(long micros)
    {
        if (_measuring)
        {
            FireToShot.Record(micros);
        }
    }

    public void FireWentUnanswered()
    {
        if (_measuring)
        {
            Interlocked.Increment(ref FireUnanswered);
        }
    }

    /// <summary>Adds a closed tick window (<see cref="TickWindow"/> calls this only for windows opened while measuring).</summary>
    public void AddTicks(long expected, long received)
    {
        Interlocked.Add(ref ExpectedTicks, expected);
        Interlocked.Add(ref ReceivedTicks, received);
    }

    /// <summary>Takes the inter-arrival samples of the last window (the reporter calls this once a second).</summary>
    public LatencyHistogram TakeInterArrivalWindow() => Interlocked.Exchange(ref _interArrivalWindow, new LatencyHistogram());

    /// <summary>The whole-run traffic counters now.</summary>
    public Traffic TakeTraffic() => new(
        Interlocked.Read(ref PacketsUp),
        Interlocked.Read(ref PacketsDown),
        Interlocked.Read(ref BytesUp),
        Interlocked.Read(ref BytesDown),
        Interlocked.Read(ref SnapshotsReceived));
}

/// <summary>Traffic counters at one moment; the difference of two is the traffic between them.</summary>
public readonly record struct Traffic(long PacketsUp, long PacketsDown, long BytesUp, long BytesDown, long Snapshots)
{
    public static Traffic operator -(Traffic a, Traffic b) => new(
        a.PacketsUp - b.PacketsUp, a.PacketsDown - b.PacketsDown, a.BytesUp - b.BytesUp, a.BytesDown - b.BytesDown, a.Snapshots - b.Snapshots);
}
