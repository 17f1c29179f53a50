using System.Diagnostics;

namespace Tanks.LoadTest;

/// <summary>
/// One bot's snapshot ticks in its current battle: loss (ticks from the first to the newest seen, minus the distinct
/// ticks that arrived; late ones within 64 count as arrived) and the inter-arrival of new ticks. A window opened during
/// the warmup restarts at the first new tick after it, so only ticks after the warmup count. Driver thread only.
/// </summary>
public sealed class TickWindow(LoadMetrics metrics)
{
    private bool _open;
    private bool _measured;
    private uint _first;
    private uint _max;
    private ulong _mask;
    private long _distinct;
    private long _lastArrival;

    /// <summary>A new battle: no ticks, no previous arrival.</summary>
    public void Reset()
    {
        _open = false;
        _lastArrival = 0;
    }

    /// <summary>A <c>Snapshot</c> part of <paramref name="tick"/> arrived at <paramref name="now"/> (Stopwatch ticks).</summary>
    public void Arrived(uint tick, long now)
    {
        if (_open && !_measured && tick > _max && metrics.Measuring)
        {
            // The warmup has ended: count from the tick after the newest one seen before it (no volatile read once measured).
            (_measured, _first, _mask, _distinct) = (true, _max + 1, 0, 0);
        }

        if (!_open)
        {
            (_open, _measured, _first, _max, _mask, _distinct, _lastArrival) = (true, metrics.Measuring, tick, tick, 1, 1, now);
            Interlocked.Increment(ref metrics.SnapshotsReceived);
        }
        else if (tick > _max)
        {
            var shift = tick - _max;
            _mask = shift >= 64 ? 1 : (_mask << (int)shift) | 1;
            _max = tick;
            _distinct++;
            metrics.RecordInterArrival((now - _lastArrival) * 1_000_000 / Stopwatch.Frequency);
            _lastArrival = now;
            Interlocked.Increment(ref metrics.SnapshotsReceived);
        }
        else if (tick >= _first && _max - tick < 64 && (_mask & (1UL << (int)(_max - tick))) == 0)
        {
            _mask |= 1UL << (int)(_max - tick); // late, but it arrived
            _distinct++;
            Interlocked.Increment(ref metrics.SnapshotsReceived);
        }
    }

    /// <summary>The battle ended or the bot stopped: adds the ticks, if the window belongs to the measured one.</summary>
    public void Close()
    {
        if (_open && _measured)
        {
            metrics.AddTicks(_max - _first + 1, _distinct);
        }

        _open = false;
    }
}
