using System.Diagnostics;

namespace Tanks.Grains.Sessions;

/// <summary>
/// Where a battle's ticks fall in time: on a grid shared by every battle of the silo, in one of <see cref="PhaseSlots"/>
/// phases of the tick period chosen by the battle id. Battles of one phase tick together, so one timer wake-up (and
/// one burst of frames to the gateways) serves a group of battles instead of each battle waking a thread of its own;
/// the phases spread the groups over the period so no single burst holds every battle.
/// </summary>
public static class TickGrid
{
    public const int PhaseSlots = 5;

    /// <summary>The time of tick 0 (a Stopwatch timestamp): the latest grid point of the battle's phase at or before <paramref name="now"/>.</summary>
    public static long Origin(long now, int tickRate, Guid battleId)
    {
        var period = Stopwatch.Frequency / tickRate;
        var offset = period * Phase(battleId) / PhaseSlots;
        var since = (now - offset) % period;
        return now - (since < 0 ? since + period : since);
    }

    public static int Phase(Guid battleId) => (int)((uint)battleId.GetHashCode() % PhaseSlots);
}
