using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tanks.Client.Battle;

/// <summary>
/// Releases a loop once per server tick on a <see cref="Stopwatch"/> schedule: deadlines are absolute (start + k·period),
/// so the loop does not drift as a <c>Task.Delay(period)</c> loop does, and a late wake-up skips the missed deadlines
/// instead of bunching inputs into one tick (the server applies at most one input per tick). One reusable
/// <see cref="PeriodicTimer"/> wakes it: no allocation per tick. <see cref="Anchor"/> puts the deadlines at a phase of the
/// server's ticks (<see cref="BattleClient.RunInputLoopAsync"/> anchors them just after snapshots arrive, so each input
/// lands well inside one tick's batch instead of on the edge between two). Not thread-safe: one loop owns it.
/// </summary>
public sealed class TickPacer : IDisposable
{
    private readonly PeriodicTimer _timer = new(TimeSpan.FromMilliseconds(1));
    private readonly long _period;
    private long _next;
    private long _lastRelease;
    private bool _released;

    public TickPacer(int tickRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tickRate, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tickRate, 240);
        _period = Stopwatch.Frequency / tickRate;
        _next = Stopwatch.GetTimestamp();
    }

    /// <summary>The period in <see cref="Stopwatch"/> ticks.</summary>
    public long Period => _period;

    /// <summary>The next deadline (a <see cref="Stopwatch"/> timestamp).</summary>
    public long NextDeadline => _next;

    /// <summary>When the last deadline was released (a <see cref="Stopwatch"/> timestamp; 0 before the first).</summary>
    public long LastRelease => _lastRelease;

    /// <summary>Deadlines released so far.</summary>
    public long Released { get; private set; }

    /// <summary>Deadlines skipped because the loop woke more than a period late.</summary>
    public long Skipped { get; private set; }

    /// <summary>
    /// Moves the schedule onto <c>phase + k·period</c> (a <see cref="Stopwatch"/> timestamp): the next deadline becomes
    /// the earliest such time at least half a period after the last release, so re-anchoring never releases two inputs
    /// into one tick.
    /// </summary>
    public void Anchor(long phase)
    {
        var earliest = _released ? _lastRelease + _period / 2 : Stopwatch.GetTimestamp();
        var behind = earliest - phase;
        var k = behind >= 0 ? (behind + _period - 1) / _period : -(-behind / _period); // ceil(behind / period)
        _next = phase + k * _period;
    }

    /// <summary>Waits for the next deadline; false once the timer is disposed. Throws when <paramref name="cancellationToken"/> fires.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var remaining = _next - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                break;
            }
            // Re-arm for exactly the time left (whole ms, at least 1): the timer's own period would drift.
            var ms = Math.Max(1, (long)Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency));
            _timer.Period = TimeSpan.FromMilliseconds(ms);
            if (!await _timer.WaitForNextTickAsync(cancellationToken))
            {
                return false;
            }
        }

        var now = Stopwatch.GetTimestamp();
        var late = now - _next;
        if (late >= _period)
        {
            var missed = late / _period;
            Skipped += missed;
            _next += missed * _period;
        }
        _next += _period;
        _lastRelease = now;
        _released = true;
        Released++;
        return true;
    }

    public void Dispose() => _timer.Dispose();
}
