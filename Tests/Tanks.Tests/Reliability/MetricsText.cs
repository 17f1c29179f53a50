using System.Globalization;

namespace Tanks.Tests.Reliability;

/// <summary>
/// A scrape of one process's <c>/metrics</c> (Prometheus text exposition), read as name → sum of its samples (a labelled
/// family adds up over its labels), so a gauge that grows labels later still reads the same here.
/// </summary>
public sealed class MetricsText
{
    private const int MaxChars = 8 * 1024 * 1024;

    private readonly Dictionary<string, double> _sums = new(StringComparer.Ordinal);

    private MetricsText(string text)
    {
        Text = text;
        foreach (var raw in text.AsSpan(0, Math.Min(text.Length, MaxChars)).EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny('{', ' ', '\t');
            if (nameEnd <= 0)
            {
                continue;
            }

            var name = line[..nameEnd].ToString();
            var rest = line[nameEnd..];
            if (rest[0] == '{')
            {
                var close = rest.LastIndexOf('}');
                if (close < 0)
                {
                    continue;
                }

                rest = rest[(close + 1)..];
            }

            rest = rest.TrimStart(" \t");
            var valueEnd = rest.IndexOfAny(' ', '\t');
            var token = valueEnd < 0 ? rest : rest[..valueEnd];
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                _sums[name] = _sums.GetValueOrDefault(name) + value;
            }
        }
    }

    public string Text { get; }

    public static MetricsText Parse(string text) => new(text);

    /// <summary>The sum of the family's samples, or null when the process exports no such family.</summary>
    public double? this[string name] => _sums.TryGetValue(name, out var v) ? v : null;

    public double Value(string name) => this[name] ?? 0;

    public static async Task<MetricsText?> ScrapeAsync(int httpPort, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = timeout };
        try
        {
            return Parse(await http.GetStringAsync($"http://127.0.0.1:{httpPort}/metrics"));
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }
}

/// <summary>The silo metrics the failover contract names (docs/reliability.md).</summary>
public static class SiloMetricNames
{
    public const string BattlesRunning = "tanks_battles_running";
    public const string BattlesResumed = "tanks_battles_resumed_total";
    public const string BattlesAborted = "tanks_battles_aborted_total";
    public const string BattlesMigrated = "tanks_battles_migrated_total";
    public const string RegistryActive = "tanks_registry_active";
}
