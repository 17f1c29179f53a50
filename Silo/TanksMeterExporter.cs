using System.Diagnostics.Metrics;
using Prometheus;
using Tanks.Grains.Accounts;
using Tanks.Grains.Sessions;

namespace Tanks.Silo;

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

    private static readonly Histogram TickDuration = Metrics.CreateHistogram(
        "tanks_tick_duration_seconds", "Time of one battle tick (simulation and world-state write).",
        new HistogramConfiguration
        {
            // A 14-tank tick is microseconds; the budget at 20 Hz is 50 ms.
            Buckets = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
        });

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
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private static void OnDoubleMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == BattleMetrics.TickDuration)
        {
            TickDuration.Observe(value);
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
