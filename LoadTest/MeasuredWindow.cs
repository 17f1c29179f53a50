using System.Diagnostics;

namespace Tanks.LoadTest;

/// <summary>
/// The measured window, from the warmup's end to the run's end: the traffic in it (differences of the whole-run
/// counters) and the time integrals of connected bots and battles running. Those two are sampled at the window's start
/// and once a second (trapezoids); the last stretch holds the last sample, because at the window's end the drivers are
/// already disconnecting the bots. Thread-safe: the reporter samples while the driver opens and closes the window.
/// </summary>
public sealed class MeasuredWindow(LoadMetrics metrics)
{
    private readonly Lock _lock = new();
    private bool _began;
    private bool _ended;
    private long _beganAt;
    private long _endedAt;
    private Traffic _atBegin;
    private Traffic _traffic;
    private long _lastAt;
    private double _lastBots;
    private double _lastBattles;
    private double _botSeconds;
    private double _battleSeconds;

    /// <summary>Opens the window: the bots' windowed figures count from now on.</summary>
    public void Begin(long now)
    {
        lock (_lock)
        {
            metrics.BeginMeasurement();
            _atBegin = metrics.TakeTraffic();
            (_began, _beganAt) = (true, now);
            (_lastAt, _lastBots, _lastBattles) = (now, Bots(), Battles());
        }
    }

    /// <summary>One sample of connected bots and battles running (ignored outside the window).</summary>
    public void Sample(long now)
    {
        lock (_lock)
        {
            if (!_began || _ended || now <= _lastAt)
            {
                return;
            }

            var (bots, battles) = (Bots(), Battles());
            var seconds = Seconds(now - _lastAt);
            _botSeconds += (_lastBots + bots) / 2 * seconds;
            _battleSeconds += (_lastBattles + battles) / 2 * seconds;
            (_lastAt, _lastBots, _lastBattles) = (now, bots, battles);
        }
    }

    /// <summary>Closes the window (no-op if it never opened or is closed).</summary>
    public void End(long now)
    {
        lock (_lock)
        {
            if (!_began || _ended)
            {
                return;
            }

            var seconds = Seconds(Math.Max(0, now - _lastAt));
            _botSeconds += _lastBots * seconds;
            _battleSeconds += _lastBattles * seconds;
            _traffic = metrics.TakeTraffic() - _atBegin;
            (_ended, _endedAt) = (true, now);
        }
    }

    /// <summary>The figures of the closed window; all zero if it never opened or is still open.</summary>
    public WindowFigures Figures
    {
        get
        {
            lock (_lock)
            {
                return !_ended
                    ? new WindowFigures(0, default, 0, 0)
                    : new WindowFigures(Seconds(_endedAt - _beganAt), _traffic, _botSeconds, _battleSeconds);
            }
        }
    }

    private double Bots() => Interlocked.Read(ref metrics.Connected);

    private double Battles() => Interlocked.Read(ref metrics.BattleShares) / 1e6;

    private static double Seconds(long stopwatchTicks) => stopwatchTicks / (double)Stopwatch.Frequency;
}

/// <summary>What the measured window holds: its length, its traffic, connected bot-seconds and battle-seconds.</summary>
public readonly record struct WindowFigures(double Seconds, Traffic Traffic, double BotSeconds, double BattleSeconds);
