using Tanks.Grains.Sessions;

namespace Tanks.Tests.Sessions;

/// <summary>
/// The battle's tick schedule on explicit timestamps (a 1 kHz "stopwatch": one tick is 50 units at 20 Hz).
/// </summary>
public sealed class TickClockTests
{
    private const long Frequency = 1000;
    private const int TickRate = 20;

    [Fact]
    public void Ticks_fall_one_period_apart_and_a_battle_ahead_of_the_clock_steps_nothing()
    {
        var clock = TickClock.ResumeAt(0, gridPoint: 1000, TickRate, Frequency);

        Assert.Equal(TimeSpan.FromMilliseconds(50), clock.Until(1, now: 1000, Frequency));
        Assert.Equal(0, clock.StepsDue(0, now: 1030)); // 20 ms early: not yet
        Assert.Equal(1, clock.StepsDue(0, now: 1045)); // a timer 5 ms early still steps
        Assert.Equal(1, clock.StepsDue(0, now: 1050));
        Assert.Equal(0, clock.StepsDue(1, now: 1050)); // tick 1 done: ahead until tick 2's time
        Assert.Equal(TimeSpan.FromMilliseconds(50), clock.Until(2, now: 1050, Frequency));
        Assert.Equal(2, clock.StepsDue(1, now: 1150)); // one late firing: two ticks
    }

    [Fact]
    public void After_a_stall_it_catches_up_three_ticks_and_then_runs_at_normal_speed()
    {
        var clock = TickClock.ResumeAt(10, gridPoint: 1000, TickRate, Frequency);

        // Ten seconds without a firing (200 ticks due): three steps, the rest of the stall is dropped.
        var now = 1000 + 10_000;
        Assert.Equal(TickClock.MaxCatchUpSteps, clock.StepsDue(10, now));
        var tick = 10 + TickClock.MaxCatchUpSteps;

        // The next tick is one period away, and each after it one more: no replay at triple speed.
        Assert.Equal(TimeSpan.FromMilliseconds(50), clock.Until(tick + 1, now, Frequency));
        Assert.Equal(1, clock.StepsDue(tick, now + 50));
        Assert.Equal(TimeSpan.FromMilliseconds(50), clock.Until(tick + 2, now + 50, Frequency));
    }

    [Fact]
    public void A_battle_resumed_at_a_tick_steps_the_next_one_within_one_period()
    {
        // Resumed at tick 4,000 (a checkpoint), on a grid point 30 units before now.
        var clock = TickClock.ResumeAt(4000, gridPoint: 5000, TickRate, Frequency);

        Assert.Equal(TimeSpan.FromMilliseconds(20), clock.Until(4001, now: 5030, Frequency));
        Assert.Equal(1, clock.StepsDue(4000, now: 5050));
        Assert.Equal(0, clock.StepsDue(4001, now: 5050));
    }
}
