using System.Diagnostics;
using Tanks.Client.Battle;

namespace Tanks.Protocol.Tests.Game;

/// <summary>The pacer's schedule: absolute deadlines one period apart, re-anchored without ever releasing twice in half a period.</summary>
public sealed class TickPacerTests
{
    [Fact]
    public async Task Deadlines_are_one_period_apart_from_the_first_release_whatever_the_wake_up_lateness()
    {
        using var pacer = new TickPacer(20);
        Assert.Equal(Stopwatch.Frequency / 20, pacer.Period);
        Assert.True(await pacer.WaitAsync(TestContext.Current.CancellationToken));
        var first = pacer.NextDeadline;
        for (var i = 1; i <= 3; i++)
        {
            Assert.True(await pacer.WaitAsync(TestContext.Current.CancellationToken));
            Assert.True(pacer.LastRelease >= first + (i - 1) * pacer.Period, "released before its deadline");
            // Not drifting: the schedule moves by whole periods (a late wake-up skips deadlines, never shifts them).
            Assert.Equal(0, (pacer.NextDeadline - first) % pacer.Period);
        }

        Assert.Equal(4, pacer.Released);
    }

    [Fact]
    public async Task An_anchor_puts_the_next_deadline_on_its_phase_at_least_half_a_period_after_the_last_release()
    {
        using var pacer = new TickPacer(20);
        Assert.True(await pacer.WaitAsync(TestContext.Current.CancellationToken));
        var p = pacer.Period;
        var released = pacer.LastRelease;

        // A phase just after the release: the same tick's deadline is too close, the next period's is taken.
        pacer.Anchor(released + p / 10);
        Assert.Equal(released + p / 10 + p, pacer.NextDeadline);

        // A phase 0.6 periods on: taken as it is (more than half a period after the release).
        pacer.Anchor(released + 6 * p / 10);
        Assert.Equal(released + 6 * p / 10, pacer.NextDeadline);

        // Phases far in the past or the future name the same schedule: the first of it at least half a period on.
        pacer.Anchor(released + 6 * p / 10 - 1000 * p);
        Assert.Equal(released + 6 * p / 10, pacer.NextDeadline);
        pacer.Anchor(released + 6 * p / 10 + 1000 * p);
        Assert.Equal(released + 6 * p / 10, pacer.NextDeadline);

        // Exactly half a period on is allowed.
        pacer.Anchor(released + p / 2);
        Assert.Equal(released + p / 2, pacer.NextDeadline);
    }
}
