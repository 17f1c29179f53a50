using System.Globalization;
using System.Text;
using Tanks.Protocol.Game;

namespace Tanks.Tests.Reliability;

/// <summary>Why a <c>BattleStart</c> came: the first of a battle, the same battle again (a resume, or a rejoin after a reconnect), or a new battle.</summary>
public enum StartKind
{
    First,
    Repeat,
    New,
}

/// <summary>
/// The stretch of one battle between one <c>BattleStart</c> and the next start or the end: its snapshots, the longest
/// wall-clock gap between them, and how far the ticks fell behind the tick rate (the largest drop of
/// <c>tick − rate × elapsed</c>, in ticks: a battle that stalls for a second falls 20 ticks behind at 20 Hz, one that
/// runs on does not, whatever the test host's own scheduling adds to the wall-clock figures).
/// </summary>
public sealed class BattleSegment
{
    private double _maxDrift = double.NegativeInfinity;

    public required Guid BattleId { get; init; }

    public required StartKind Kind { get; init; }

    /// <summary>True when the bot reconnected since the previous start: a repeat then is a rejoin, not a server-side resume.</summary>
    public required bool AfterReconnect { get; init; }

    public required TimeSpan StartedAt { get; init; }

    public required int TickRate { get; init; }

    public TimeSpan? FirstSnapshotAt { get; private set; }

    public TimeSpan? LastSnapshotAt { get; private set; }

    public int Snapshots { get; private set; }

    public uint FirstTick { get; private set; }

    public uint LastTick { get; private set; }

    /// <summary>Longest wall-clock time without a new snapshot, from the start (the first snapshot's wait counts).</summary>
    public TimeSpan MaxGap { get; private set; }

    public TimeSpan MaxGapEndedAt { get; private set; }

    /// <summary>Largest fall behind the tick rate within the segment, in ticks (0: never behind).</summary>
    public double MaxLagTicks { get; private set; }

    public TimeSpan? EndedAt { get; set; }

    public BattleEndReasonCode? EndReason { get; set; }

    internal void Snapshot(TimeSpan now, uint tick, int newSnapshots)
    {
        var since = LastSnapshotAt ?? StartedAt;
        if (now - since > MaxGap)
        {
            (MaxGap, MaxGapEndedAt) = (now - since, now);
        }

        if (FirstSnapshotAt is null)
        {
            (FirstSnapshotAt, FirstTick) = (now, tick);
        }

        LastSnapshotAt = now;
        LastTick = tick;
        Snapshots += newSnapshots;
        var drift = tick - TickRate * (now - FirstSnapshotAt.Value).TotalSeconds;
        _maxDrift = Math.Max(_maxDrift, drift);
        MaxLagTicks = Math.Max(MaxLagTicks, _maxDrift - drift);
    }

    /// <summary>The gap still open at <paramref name="now"/> (time since the last snapshot) while the segment runs.</summary>
    internal TimeSpan OpenGap(TimeSpan now) => EndedAt is null ? now - (LastSnapshotAt ?? StartedAt) : TimeSpan.Zero;

    internal void CloseGap(TimeSpan now)
    {
        var open = OpenGap(now);
        if (open > MaxGap)
        {
            (MaxGap, MaxGapEndedAt) = (open, now);
        }
    }
}

public sealed record BattleEndRecord(TimeSpan At, Guid BattleId, BattleEndReasonCode Reason);

public sealed record ReconnectRecord(TimeSpan LostAt, TimeSpan? DoneAt, string Why, int FromUdpPort, int ToUdpPort);

/// <summary>What one bot lived through, on the harness clock: starts, segments, ends, reconnects, errors by kind. Thread-safe.</summary>
public sealed class BotJournal
{
    private const int MaxEntries = 1000;

    private readonly object _lock = new();
    private readonly List<BattleSegment> _segments = [];
    private readonly List<BattleEndRecord> _ends = [];
    private readonly List<ReconnectRecord> _reconnects = [];
    private readonly Dictionary<string, int> _errors = new(StringComparer.Ordinal);
    private bool _reconnectedSinceStart;

    public IReadOnlyList<BattleSegment> Segments
    {
        get
        {
            lock (_lock)
            {
                return [.. _segments];
            }
        }
    }

    public IReadOnlyList<BattleEndRecord> Ends
    {
        get
        {
            lock (_lock)
            {
                return [.. _ends];
            }
        }
    }

    public IReadOnlyList<ReconnectRecord> Reconnects
    {
        get
        {
            lock (_lock)
            {
                return [.. _reconnects];
            }
        }
    }

    public IReadOnlyDictionary<string, int> Errors
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, int>(_errors);
            }
        }
    }

    public int ErrorCount
    {
        get
        {
            lock (_lock)
            {
                return _errors.Values.Sum();
            }
        }
    }

    /// <summary>The segment running now (started, not ended), or null.</summary>
    public BattleSegment? Current
    {
        get
        {
            lock (_lock)
            {
                return _segments.Count > 0 && _segments[^1].EndedAt is null ? _segments[^1] : null;
            }
        }
    }

    /// <summary>Battle ids this bot saw end, with the reason.</summary>
    public IReadOnlyDictionary<Guid, BattleEndReasonCode> EndedBattles
    {
        get
        {
            lock (_lock)
            {
                var ended = new Dictionary<Guid, BattleEndReasonCode>();
                foreach (var end in _ends)
                {
                    ended.TryAdd(end.BattleId, end.Reason);
                }

                return ended;
            }
        }
    }

    internal void Started(TimeSpan now, Guid battleId, int tickRate)
    {
        lock (_lock)
        {
            var previous = _segments.Count > 0 ? _segments[^1] : null;
            if (previous is { EndedAt: null })
            {
                previous.CloseGap(now);
                previous.EndedAt = now;
            }

            var kind = previous is null ? StartKind.First
                : previous.BattleId == battleId && previous.EndReason is null ? StartKind.Repeat
                : StartKind.New;
            if (_segments.Count < MaxEntries)
            {
                _segments.Add(new BattleSegment
                {
                    BattleId = battleId, Kind = kind, AfterReconnect = _reconnectedSinceStart, StartedAt = now, TickRate = tickRate,
                });
            }

            _reconnectedSinceStart = false;
        }
    }

    internal void Snapshot(TimeSpan now, uint tick, int newSnapshots)
    {
        lock (_lock)
        {
            if (_segments.Count > 0 && _segments[^1].EndedAt is null)
            {
                _segments[^1].Snapshot(now, tick, newSnapshots);
            }
        }
    }

    internal void Ended(TimeSpan now, BattleEndReasonCode reason)
    {
        lock (_lock)
        {
            var current = _segments.Count > 0 ? _segments[^1] : null;
            var battleId = current?.BattleId ?? Guid.Empty;
            if (current is { EndedAt: null })
            {
                current.CloseGap(now);
                current.EndedAt = now;
                current.EndReason = reason;
            }
            else if (current is not null && current.EndReason is null)
            {
                current.EndReason = reason;
            }

            if (_ends.Count < MaxEntries)
            {
                _ends.Add(new BattleEndRecord(now, battleId, reason));
            }
        }
    }

    internal void Lost(TimeSpan now, string why, int fromUdpPort)
    {
        lock (_lock)
        {
            _reconnectedSinceStart = true;
            if (_reconnects.Count < MaxEntries)
            {
                _reconnects.Add(new ReconnectRecord(now, null, why, fromUdpPort, 0));
            }
        }
    }

    internal void Reconnected(TimeSpan now, int toUdpPort)
    {
        lock (_lock)
        {
            if (_reconnects.Count > 0 && _reconnects[^1].DoneAt is null)
            {
                _reconnects[^1] = _reconnects[^1] with { DoneAt = now, ToUdpPort = toUdpPort };
            }
        }
    }

    internal void Error(string kind)
    {
        lock (_lock)
        {
            _errors[kind] = _errors.GetValueOrDefault(kind) + 1;
        }
    }

    /// <summary>One line per segment, for failure messages and the test log.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        lock (_lock)
        {
            foreach (var s in _segments)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"  {s.Kind,-6} {Short(s.BattleId)} at {Sec(s.StartedAt)}{(s.AfterReconnect ? " (after reconnect)" : "")}: ")
                    .Append(CultureInfo.InvariantCulture,
                    $"{s.Snapshots} snapshots ticks {s.FirstTick}..{s.LastTick}, first at {Sec(s.FirstSnapshotAt)}, max gap {s.MaxGap.TotalMilliseconds:0} ms (ended {Sec(s.MaxGapEndedAt)}), lag {s.MaxLagTicks:0.#} ticks")
                    .AppendLine(s.EndReason is { } r ? $", ended {r} at {Sec(s.EndedAt)}" : "");
            }

            foreach (var r in _reconnects)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  reconnect ({r.Why}) lost {Sec(r.LostAt)} back {Sec(r.DoneAt)} udp {r.FromUdpPort} -> {r.ToUdpPort}");
            }

            if (_errors.Count > 0)
            {
                text.AppendLine("  errors: " + string.Join(", ", _errors.Select(e => $"{e.Key}={e.Value}")));
            }
        }

        return text.ToString();
    }

    public static string Short(Guid id) => id.ToString("N")[..8];

    public static string Sec(TimeSpan? t) => t is { } v ? v.TotalSeconds.ToString("+0.00 's'", CultureInfo.InvariantCulture) : "-";
}
