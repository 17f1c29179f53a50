using System.Text.Json;

namespace Tanks.LoadTest;

/// <summary>The figures of one report that the curve plots (CPU ones null when the run had no such process).</summary>
public sealed record CurveRun(
    string Path, int Bots, double P99InterArrivalMs, double LossPercent, double KbitDownPerClient,
    IReadOnlyDictionary<string, double> Cores, double? GatewayUdpMicrosPerPacket, double? SiloMicrosPerBattleTick);

/// <summary>One step of the curve: the medians of the runs with that bot count (CPU medians over the runs that have them).</summary>
public sealed record CurvePoint(
    int Bots, int Runs, double P99InterArrivalMs, double LossPercent, double KbitDownPerClient,
    IReadOnlyDictionary<string, double> Cores, double? GatewayUdpMicrosPerPacket, double? SiloMicrosPerBattleTick)
{
    public bool WithinLimits => P99InterArrivalMs < Curve.LimitP99InterArrivalMs && LossPercent < Curve.LimitLossPercent;
}

/// <summary>What <c>curve.json</c> holds.</summary>
public sealed record CurveReport(
    double LimitP99InterArrivalMs, double LimitLossPercent, int? WithinLimitsUpToBots, IReadOnlyList<CurvePoint> Points, IReadOnlyList<string> Reports);

/// <summary>
/// The CCU curve from several load reports: grouped by bot count, the median of each figure per group (a step is run
/// several times, and one noisy run must not move the curve).
/// </summary>
public static class Curve
{
    /// <summary>The CCU criterion: p99 snapshot inter-arrival under 100 ms and loss under 0.1 %.</summary>
    public const double LimitP99InterArrivalMs = 100;

    public const double LimitLossPercent = 0.1;

    /// <summary>Reads one report; <see cref="InvalidDataException"/> with the path and the reason when it is not one.</summary>
    public static CurveRun Read(string path)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var root = json.RootElement;
            var snapshots = root.GetProperty("snapshots");
            var cores = new Dictionary<string, double>(StringComparer.Ordinal);
            double? perPacket = null, perBattleTick = null;
            if (root.TryGetProperty("cpu", out var cpu) && cpu.ValueKind == JsonValueKind.Object)
            {
                foreach (var process in cpu.GetProperty("processes").EnumerateArray())
                {
                    if (process.GetProperty("cores") is { ValueKind: JsonValueKind.Number } value)
                    {
                        cores[process.GetProperty("name").GetString()!] = value.GetDouble();
                    }
                }

                perPacket = Number(cpu, "gatewayUdpMicrosPerPacket");
                perBattleTick = Number(cpu, "siloMicrosPerBattleTick");
            }

            return new CurveRun(
                path,
                root.GetProperty("run").GetProperty("bots").GetInt32(),
                snapshots.GetProperty("interArrival").GetProperty("p99Ms").GetDouble(),
                snapshots.GetProperty("lossPercent").GetDouble(),
                root.GetProperty("bandwidth").GetProperty("kbitDownPerClient").GetDouble(),
                cores,
                perPacket,
                perBattleTick);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException
            or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a readable load report ({ex.Message})", ex);
        }
    }

    /// <summary>One point per bot count, ascending.</summary>
    public static IReadOnlyList<CurvePoint> Group(IEnumerable<CurveRun> runs) => runs
        .GroupBy(r => r.Bots)
        .OrderBy(g => g.Key)
        .Select(g =>
        {
            var group = g.ToList();
            var cores = group.SelectMany(r => r.Cores.Keys).Distinct(StringComparer.Ordinal)
                .ToDictionary(name => name, name => Rounded(group.Where(r => r.Cores.ContainsKey(name)).Select(r => r.Cores[name]))!.Value, StringComparer.Ordinal);
            return new CurvePoint(
                g.Key,
                group.Count,
                Rounded(group.Select(r => r.P99InterArrivalMs))!.Value,
                Rounded(group.Select(r => r.LossPercent))!.Value,
                Rounded(group.Select(r => r.KbitDownPerClient))!.Value,
                cores,
                Rounded(group.Where(r => r.GatewayUdpMicrosPerPacket is not null).Select(r => r.GatewayUdpMicrosPerPacket!.Value)),
                Rounded(group.Where(r => r.SiloMicrosPerBattleTick is not null).Select(r => r.SiloMicrosPerBattleTick!.Value)));
        })
        .ToList();

    /// <summary>The median to 4 decimals: the reports' figures carry no more.</summary>
    private static double? Rounded(IEnumerable<double> values) => Median(values) is { } median ? Math.Round(median, 4) : null;

    /// <summary>The largest bot count below the first step that breaks a limit (null if the first step does).</summary>
    public static int? WithinLimitsUpTo(IReadOnlyList<CurvePoint> points)
    {
        int? last = null;
        foreach (var point in points)
        {
            if (!point.WithinLimits)
            {
                break;
            }

            last = point.Bots;
        }

        return last;
    }

    /// <summary>The median (the mean of the middle two for an even count); null without values.</summary>
    public static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double? Number(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
