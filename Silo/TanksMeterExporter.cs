using System.Diagnostics.Metrics;
using Prometheus;
using Tanks.Grains.Accounts;

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
        _listener.Start();
        Logins.WithLabels("ok"); // present at zero from the first scrape
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private static void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
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
