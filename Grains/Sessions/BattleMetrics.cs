using System.Diagnostics.Metrics;
using Tanks.Grains.Accounts;

namespace Tanks.Grains.Sessions;

/// <summary>
/// Battle instruments on the "Tanks" meter; the silo exports them as <c>tanks_battles_running</c> and
/// <c>tanks_tick_duration_seconds</c> (histogram), and the failover counters (resumed, migrated, aborted, given up,
/// checkpoints, result retries).
/// </summary>
public static class BattleMetrics
{
    public const string Running = "battles.running";
    public const string TickDuration = "tick.duration";
    public const string ResumedCount = "battles.resumed";
    public const string MigratedIn = "battles.migrated";
    public const string AbortedCount = "battles.aborted";
    public const string GivenUpCount = "battles.given_up";
    public const string Checkpoints = "battle.checkpoints";
    public const string ResultRetries = "battle.result_retries";
    public const string RegistryActive = "registry.active";

    private static readonly Meter Meter = new(AccountMetrics.MeterName);
    private static readonly UpDownCounter<long> RunningCounter = Meter.CreateUpDownCounter<long>(Running, description: "Battles running on this silo.");
    private static readonly Histogram<double> TickHistogram = Meter.CreateHistogram<double>(TickDuration, "s", "Time of one battle tick (simulation and state write).");

    private static readonly Counter<long> ResumedCounter = Meter.CreateCounter<long>(ResumedCount, description: "Battles resumed here from a checkpoint after their silo was lost.");
    private static readonly Counter<long> MigratedCounter = Meter.CreateCounter<long>(MigratedIn, description: "Battles moved here live from a draining silo.");
    private static readonly Counter<long> AbortedCounter = Meter.CreateCounter<long>(AbortedCount, description: "Battles ended as aborted.");
    private static readonly Counter<long> GivenUpCounter = Meter.CreateCounter<long>(GivenUpCount, description: "Battles the registry gave up (no state, or silent too long).");
    private static readonly Counter<long> CheckpointCounter = Meter.CreateCounter<long>(Checkpoints, description: "Battle checkpoints by result.");
    private static readonly Counter<long> ResultRetryCounter = Meter.CreateCounter<long>(ResultRetries, description: "Attempts to store a player's result that failed and stay in the outbox.");

    public static void BattleStarted() => RunningCounter.Add(1);

    public static void Resumed() => ResumedCounter.Add(1);

    public static void Migrated() => MigratedCounter.Add(1);

    public static void Aborted() => AbortedCounter.Add(1);

    public static void GivenUp() => GivenUpCounter.Add(1);

    public static void Checkpointed() => CheckpointCounter.Add(1, new KeyValuePair<string, object?>("result", "ok"));

    public static void CheckpointFailed() => CheckpointCounter.Add(1, new KeyValuePair<string, object?>("result", "failed"));

    public static void ResultRetried() => ResultRetryCounter.Add(1);

    public static void BattleStopped() => RunningCounter.Add(-1);

    public static void Tick(double seconds) => TickHistogram.Record(seconds);
}

/// <summary>Whether the registry singleton is active on this silo (<c>tanks_registry_active</c>: 1 on exactly one silo).</summary>
public static class RegistryMetrics
{
    private static readonly Meter Meter = new(AccountMetrics.MeterName);
    private static readonly UpDownCounter<long> ActiveCounter = Meter.CreateUpDownCounter<long>(BattleMetrics.RegistryActive, description: "1 while the registry is active on this silo.");

    public static void Activated() => ActiveCounter.Add(1);

    public static void Deactivated() => ActiveCounter.Add(-1);
}
