using System.Diagnostics.Metrics;
using Tanks.Grains.Accounts;

namespace Tanks.Grains.Sessions;

/// <summary>
/// Battle instruments on the "Tanks" meter; the silo exports them as <c>tanks_battles_running</c> and
/// <c>tanks_tick_duration_seconds</c> (histogram).
/// </summary>
public static class BattleMetrics
{
    public const string Running = "battles.running";
    public const string TickDuration = "tick.duration";

    private static readonly Meter Meter = new(AccountMetrics.MeterName);
    private static readonly UpDownCounter<long> RunningCounter = Meter.CreateUpDownCounter<long>(Running, description: "Battles running on this silo.");
    private static readonly Histogram<double> TickHistogram = Meter.CreateHistogram<double>(TickDuration, "s", "Time of one battle tick (simulation and state write).");

    public static void BattleStarted() => RunningCounter.Add(1);

    public static void BattleStopped() => RunningCounter.Add(-1);

    public static void Tick(double seconds) => TickHistogram.Record(seconds);
}
