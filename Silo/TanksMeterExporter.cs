using System.Diagnostics.Metrics;
using Prometheus;
using Tanks.Grains.Accounts;
using Tanks.Grains.Matchmaking;
using Tanks.Grains.Sessions;

namespace Tanks.Silo;

// Why a bridge and not a library adapter (checked against prometheus-net 8.2.1 and OpenTelemetry's exporter):
// - prometheus-net's MeterAdapter publishes every Counter<T> as a gauge, names it "<meter>_<instrument>" (no _total),
//   takes one bucket layout per instrument from a callback and expires idle series; the rules in monitoring/, the
//   dashboards and MetricCatalog need these names, counter types, buckets and the series at zero from the first scrape.
// - OpenTelemetry.Exporter.Prometheus is served only as a prerelease (1.20.1-beta.1) and would be a second exporter beside
//   prometheus-net's /metrics (process_*, dotnet_* and the gateways' metrics, which the same rules read); one endpoint
//   for both means moving all of them, and renaming what OpenTelemetry names differently (unit suffixes).

/// <summary>
/// Exports the grains' "Tanks" meter as proper Prometheus counters (<c>tanks_accounts_registered_total</c>,
/// <c>tanks_logins_total{result}</c>). prometheus-net's generic meter adapter would publish them as gauges
/// without the <c>_total</c> suffix, so this meter is taken out of the adapter and bridged here.
/// </summary>
public sealed class TanksMeterExporter : IHostedService, IDisposable
{
    private static readonly Counter Registered = Metrics.CreateCounter(
        "tanks_accounts_registered_total", "Accounts created.");

    private static readonly Counter Logins = Metrics.CreateCounter(
        "tanks_logins_total", "Password logins by result (ok, invalid_credentials, locked_out).",
        new CounterConfiguration { LabelNames = ["result"] });

    private static readonly Gauge BattlesRunning = Metrics.CreateGauge(
        "tanks_battles_running", "Battles running on this silo.");

    private static readonly Counter Resumed = Metrics.CreateCounter(
        "tanks_battles_resumed_total", "Battles resumed on this silo from a checkpoint after their silo was lost.");

    private static readonly Counter Migrated = Metrics.CreateCounter(
        "tanks_battles_migrated_total", "Battles moved to this silo live from a draining silo.");

    private static readonly Counter Aborted = Metrics.CreateCounter(
        "tanks_battles_aborted_total", "Battles that ended as aborted on this silo (could not resume, or the last silo stopped).");

    private static readonly Counter GivenUp = Metrics.CreateCounter(
        "tanks_battles_given_up_total", "Battles the registry gave up (no state, or silent beyond Matchmaking:BattleLostAfter).");

    private static readonly Counter Checkpoints = Metrics.CreateCounter(
        "tanks_battle_checkpoints_total", "Battle checkpoints written, by result (ok, failed).",
        new CounterConfiguration { LabelNames = ["result"] });

    private static readonly Counter ResultRetries = Metrics.CreateCounter(
        "tanks_battle_result_retries_total", "Failed attempts to store a player's battle result (kept in the battle's outbox, retried).");

    private static readonly Gauge RegistryActive = Metrics.CreateGauge(
        "tanks_registry_active", "1 while the matchmaking registry is active on this silo.");

    private static readonly Histogram TickDuration = Metrics.CreateHistogram(
        "tanks_tick_duration_seconds", "Time of one battle tick (simulation and world-state write).",
        new HistogramConfiguration
        {
            // A 14-tank tick is microseconds; the budget at 20 Hz is 50 ms.
            Buckets = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
        });

    private static readonly Gauge MatchQueued = Metrics.CreateGauge(
        "tanks_match_queued_players", "Players waiting in each queue shard (on the silo the shard runs on).",
        new GaugeConfiguration { LabelNames = ["shard"] });

    private static readonly Histogram MatchWait = Metrics.CreateHistogram(
        "tanks_match_wait_seconds", "How long each matched ticket (a player or a platoon) waited, by queue shard.",
        new HistogramConfiguration { LabelNames = ["shard"], Buckets = [1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 300] });

    private static readonly Histogram MatchRatingRange = Metrics.CreateHistogram(
        "tanks_match_rating_range", "Highest minus lowest skill rating among a formed battle's players.",
        new HistogramConfiguration { Buckets = [25, 50, 100, 200, 400, 800, 1600] });

    private static readonly Histogram MatchTeamGap = Metrics.CreateHistogram(
        "tanks_match_team_rating_gap", "The two teams' mean skill ratings apart in a formed battle.",
        new HistogramConfiguration { Buckets = [5, 10, 25, 50, 100, 200, 400] });

    private static readonly Counter MatchFormed = Metrics.CreateCounter(
        "tanks_match_battles_formed_total", "Battles formed, by queue shard.",
        new CounterConfiguration { LabelNames = ["shard"] });

    private static readonly Gauge MatchShards = Metrics.CreateGauge(
        "tanks_match_shards_active", "Queue shards active on this silo.");

    private readonly MeterListener _listener = new();

    public static void ExcludeFromGenericAdapter()
        => Metrics.ConfigureMeterAdapter(o => o.InstrumentFilterPredicate = i => i.Meter.Name != AccountMetrics.MeterName);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AccountMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.SetMeasurementEventCallback<double>(OnDoubleMeasurement);
        _listener.Start();
        Logins.WithLabels("ok"); // present at zero from the first scrape
        Checkpoints.WithLabels("ok");
        Checkpoints.WithLabels("failed");
        MatchQueued.WithLabels("0"); // shard 0 always exists; other shards appear with their first player
        MatchWait.WithLabels("0");
        MatchFormed.WithLabels("0");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private static string Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key && tag.Value is string s)
            {
                return s;
            }
        }

        return "unknown";
    }

    private static void OnDoubleMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case BattleMetrics.TickDuration:
                TickDuration.Observe(value);
                break;
            case MatchMetrics.Wait:
                MatchWait.WithLabels(Tag(tags, "shard")).Observe(value);
                break;
            case MatchMetrics.RatingRange:
                MatchRatingRange.Observe(value);
                break;
            case MatchMetrics.TeamGap:
                MatchTeamGap.Observe(value);
                break;
        }
    }

    private static void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case BattleMetrics.Running:
                BattlesRunning.Inc(value);
                break;
            case AccountMetrics.Registered:
                Registered.Inc(value);
                break;
            case BattleMetrics.ResumedCount:
                Resumed.Inc(value);
                break;
            case BattleMetrics.MigratedIn:
                Migrated.Inc(value);
                break;
            case BattleMetrics.AbortedCount:
                Aborted.Inc(value);
                break;
            case BattleMetrics.GivenUpCount:
                GivenUp.Inc(value);
                break;
            case BattleMetrics.ResultRetries:
                ResultRetries.Inc(value);
                break;
            case BattleMetrics.RegistryActive:
                RegistryActive.Inc(value);
                break;
            case MatchMetrics.Queued:
                MatchQueued.WithLabels(Tag(tags, "shard")).Inc(value);
                break;
            case MatchMetrics.Formed:
                MatchFormed.WithLabels(Tag(tags, "shard")).Inc(value);
                break;
            case MatchMetrics.ShardsActive:
                MatchShards.Inc(value);
                break;
            case BattleMetrics.Checkpoints:
                Checkpoints.WithLabels(Tag(tags, "result")).Inc(value);
                break;
            case AccountMetrics.Logins:
                var result = "unknown";
                foreach (var tag in tags)
                {
                    if (tag.Key == "result" && tag.Value is string s)
                    {
                        result = s;
                    }
                }

                Logins.WithLabels(result).Inc(value);
                break;
        }
    }
}
