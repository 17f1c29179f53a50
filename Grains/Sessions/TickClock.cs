namespace Tanks.Grains.Sessions;

/// <summary>
/// When a battle's ticks are due, in Stopwatch timestamps: tick n falls at origin + n periods. After a stall it steps
/// at most <see cref="MaxCatchUpSteps"/> ticks at once and drops the time beyond (the origin moves), so a pause is
/// never replayed at triple speed afterwards; a battle resumed at tick n starts one period before its next tick.
/// </summary>
public struct TickClock
{
    public const int MaxCatchUpSteps = 3;

    private readonly long _period;
    private long _origin;

    private TickClock(long origin, long period)
    {
        _origin = origin;
        _period = period;
    }

    /// <summary>A clock on which <paramref name="tick"/> was done at <paramref name="gridPoint"/> (the battle's phase on the tick grid).</summary>
    public static TickClock ResumeAt(int tick, long gridPoint, int tickRate, long frequency)
    {
        var period = frequency / tickRate;
        return new TickClock(gridPoint - tick * period, period);
    }

    /// <summary>
    /// How many ticks a battle that has done <paramref name="tick"/> ticks steps now: 0 when the next is not due yet,
    /// else 1..<see cref="MaxCatchUpSteps"/>. A timer that fires up to a quarter period early still steps (the next
    /// firing is armed from the schedule, so game time stays on it).
    /// </summary>
    public int StepsDue(int tick, long now)
    {
        var behind = (now + _period / 4 - _origin) / _period - tick;
        if (behind < 1)
        {
            return 0;
        }

        if (behind > MaxCatchUpSteps)
        {
            _origin += (behind - MaxCatchUpSteps) * _period; // the stall beyond the catch-up is dropped
            behind = MaxCatchUpSteps;
        }

        return (int)behind;
    }

    /// <summary>How long from <paramref name="now"/> until <paramref name="tick"/> is due (zero if it is).</summary>
    public TimeSpan Until(int tick, long now, long frequency)
    {
        var at = _origin + tick * _period;
        return at > now ? TimeSpan.FromSeconds((at - now) / (double)frequency) : TimeSpan.Zero;
    }
}
