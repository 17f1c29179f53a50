using System.Diagnostics;

namespace Tanks.Measurement;

/// <summary>A process whose CPU a run measures from afar: a name and its Prometheus <c>/metrics</c> URL (<c>--metrics NAME=URL</c>).</summary>
public sealed record MetricsTarget(string Name, Uri Url)
{
    /// <summary>The name the probing tool's own CPU is reported under (LoadTest's).</summary>
    public const string Self = "loadtest";

    public static MetricsTarget Parse(string value)
    {
        var equals = value.IndexOf('=');
        var name = equals > 0 ? value[..equals] : "";
        if (name.Length == 0 || name == Self || !Uri.TryCreate(value[(equals + 1)..], UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--metrics '{value}' is not NAME=http(s)://host:port/path (NAME not '{Self}')");
        }

        return new MetricsTarget(name, url);
    }
}

/// <summary>One reading of a process's CPU: total CPU seconds so far, or why there is none.</summary>
public readonly record struct CpuReading(double? Seconds, string? Error);

/// <summary>
/// The CPU meter for processes on other hosts or in containers, where <see cref="CpuMeter"/> cannot read /proc:
/// reads <c>process_cpu_seconds_total</c> of every target (concurrently, 2 s each) and the load tool's own
/// <see cref="Process.TotalProcessorTime"/>. A failed scrape is a reading with an error, never an exception.
/// </summary>
public sealed class CpuProbe : IDisposable
{
    public const string Metric = "process_cpu_seconds_total";

    private readonly IReadOnlyList<MetricsTarget> _targets;
    private readonly HttpClient _http = new()
    {
        Timeout = TimeSpan.FromSeconds(2),
        MaxResponseContentBufferSize = PrometheusText.MaxChars, // bytes ≥ chars: refuses a larger body before the parser would
    };

    public CpuProbe(IReadOnlyList<MetricsTarget> targets) => _targets = targets;

    /// <summary>Readings by name: the targets in order, then <see cref="MetricsTarget.Self"/>.</summary>
    public async Task<IReadOnlyDictionary<string, CpuReading>> ReadAsync()
    {
        var self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds; // before the scrapes, at both ends alike
        var scrapes = await Task.WhenAll(_targets.Select(ScrapeAsync));
        var readings = new Dictionary<string, CpuReading>(StringComparer.Ordinal);
        for (var i = 0; i < _targets.Count; i++)
        {
            readings[_targets[i].Name] = scrapes[i];
        }

        readings[MetricsTarget.Self] = new CpuReading(self, null);
        return readings;
    }

    public void Dispose() => _http.Dispose();

    private async Task<CpuReading> ScrapeAsync(MetricsTarget target)
    {
        try
        {
            var text = await _http.GetStringAsync(target.Url);
            return PrometheusText.TryReadSample(text, Metric, out var seconds, out var error)
                ? new CpuReading(seconds, null)
                : new CpuReading(null, error);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return new CpuReading(null, $"scrape failed: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
