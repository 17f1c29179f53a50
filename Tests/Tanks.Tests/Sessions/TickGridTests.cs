using System.Diagnostics;
using Tanks.Grains.Sessions;

namespace Tanks.Tests.Sessions;

public sealed class TickGridTests
{
    private static readonly long Period = Stopwatch.Frequency / 20;

    [Fact]
    public void The_origin_is_the_latest_grid_point_of_the_battles_phase_at_or_before_now()
    {
        var random = new Random(5);
        for (var i = 0; i < 1000; i++)
        {
            var battle = Guid.NewGuid();
            var now = random.NextInt64(0, long.MaxValue / 2);
            var origin = TickGrid.Origin(now, 20, battle);
            Assert.InRange(now - origin, 0, Period - 1);
            Assert.Equal(Period * TickGrid.Phase(battle) / TickGrid.PhaseSlots, origin % Period);
        }
    }

    [Fact]
    public void Battles_of_one_phase_tick_together_whenever_they_start_and_phases_spread_over_the_period()
    {
        var byPhase = Enumerable.Range(0, 400).Select(_ => Guid.NewGuid()).GroupBy(TickGrid.Phase).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(TickGrid.PhaseSlots, byPhase.Count);
        foreach (var (phase, battles) in byPhase)
        {
            var first = TickGrid.Origin(10 * Period + 3, 20, battles[0]);
            var later = TickGrid.Origin(17 * Period + Period / 3, 20, battles[^1]);
            Assert.Equal(0, (later - first) % Period); // same phase: ticks on the same instants
            Assert.Equal(Period * phase / TickGrid.PhaseSlots, first % Period);
        }
    }

    [Fact]
    public void A_timestamp_before_the_phase_offset_still_gives_an_origin_not_after_it()
    {
        var battle = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).First(g => TickGrid.Phase(g) == TickGrid.PhaseSlots - 1);
        var origin = TickGrid.Origin(1, 20, battle);
        Assert.True(origin <= 1);
        Assert.InRange(1 - origin, 0, Period - 1);
    }
}
