using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tanks.Measurement;

namespace Tanks.LoadTest;

/// <summary>
/// One measured run of either system in the common terms of the comparison (null: the run has no such figure).
/// Loss is what the server sent and the client did not get; shortfall is what the client got short of the nominal 20 Hz
/// (loss and a slow server clock together).
/// </summary>
public sealed record SideBySideRun(
    string System, string Path, int Clients, double? P99InterArrivalMs, double? LossPercent, double? ShortfallPercent,
    double? ServerCores, double? DriverCores, double? KbitDownPerClient, double? KbitUpPerClient,
    double PeakRssMb, IReadOnlyDictionary<string, double> PeakRssMbByProcess, long Errors);

/// <summary>One system at one client count: the medians of its runs; errors are summed over the runs.</summary>
public sealed record SideBySideRow(
    string System, int Clients, int Runs, double? P99InterArrivalMs, double? LossPercent, double? ShortfallPercent,
    double? ServerCores, double? ServerCoresPer1000Clients, double? DriverCores, double? DriverCoresPer1000Clients,
    double? KbitDownPerClient, double? KbitUpPerClient, double? PeakRssMb, long Errors);

/// <summary>What <c>side-by-side.json</c> holds.</summary>
public sealed record SideBySideReport(IReadOnlyList<SideBySideRow> Rows, IReadOnlyList<SideBySideRun> Runs, IReadOnlyDictionary<string, string> Columns);

/// <summary>
/// Reads a side-by-side campaign's directory (<c>LoadTest/campaigns/side-by-side.sh</c>): the load tool's reports
/// <c>tanks-N-R.json</c>, the Colyseus driver's outputs <c>colyseus-N-R.json</c> and beside each its RSS samples
/// <c>rss-tanks-N-R.jsonl</c> / <c>rss-colyseus-N-R.jsonl</c>; groups them per system and client count.
/// </summary>
public static partial class SideBySide
{
    public const string Tanks = "tanks";
    public const string Colyseus = "colyseus";

    /// <summary>Both systems' nominal state rate.</summary>
    public const double NominalHz = 20;

    /// <summary>What each column is; in the JSON and under the markdown table.</summary>
    public static readonly IReadOnlyDictionary<string, string> Columns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["p99InterArrivalMs"] = "p99 of the gaps between consecutive new states at a client (Tanks: snapshot ticks; Colyseus: patch frames), pooled over clients",
        ["lossPercent"] = "states the server sent that did not arrive (Tanks: ticks missing between the first and newest a bot saw; Colyseus: 1 − patches received per client per s ÷ patches broadcast per room per s, 0 if negative: window edges)",
        ["shortfallPercent"] = "new states received short of the nominal 20 Hz, loss and a slow server clock together (Tanks: 1 − 50 ms ÷ mean inter-arrival; Colyseus: the driver's missingFraction)",
        ["serverCores"] = "CPU of the server processes over the window ÷ window (Tanks: silo + Gateway.Udp + Gateway.Tcp; Colyseus: the one node server)",
        ["driverCores"] = "CPU of the load driver over the window ÷ window (Tanks: the load tool; Colyseus: loadtest.mjs with its workers)",
        ["kbitDownPerClient"] = "application payload per client, server to client (Tanks: game messages without netcode header, MAC, UDP/IP; Colyseus: WebSocket message payloads)",
        ["kbitUpPerClient"] = "application payload per client, client to server, as kbitDownPerClient",
        ["peakRssMb"] = "largest sum of the server processes' VmRSS (MiB) in the once-a-second samples over the window",
        ["errors"] = "Tanks: the load tool's errorCount; Colyseus: join failures, drops, unexpected leaves, room, send and decode errors; summed over runs",
    };

    /// <summary>Every run in <paramref name="directory"/>; <see cref="InvalidDataException"/> naming the file that is missing or unreadable.</summary>
    public static IReadOnlyList<SideBySideRun> ReadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidDataException($"{directory}: no such directory");
        }

        var runs = Directory.EnumerateFiles(directory, "*.json")
            .Select(path => (path, match: RunFile().Match(System.IO.Path.GetFileName(path))))
            .Where(f => f.match.Success)
            .OrderBy(f => f.path, StringComparer.Ordinal)
            .Select(f =>
            {
                var rss = System.IO.Path.Combine(directory, $"rss-{System.IO.Path.GetFileNameWithoutExtension(f.path)}.jsonl");
                return f.match.Groups[1].Value == Tanks ? ReadTanks(f.path, rss) : ReadColyseus(f.path, rss);
            })
            .ToList();
        return runs.Count > 0 ? runs : throw new InvalidDataException($"{directory}: no tanks-N-R.json or colyseus-N-R.json in it");
    }

    /// <summary>A load tool report (<see cref="LoadResult"/>) and its RSS samples.</summary>
    public static SideBySideRun ReadTanks(string path, string rssPath)
    {
        var run = Read(path, "load report", root =>
        {
            var snapshots = root.GetProperty("snapshots");
            var interArrival = snapshots.GetProperty("interArrival");
            var (mean, expected) = (interArrival.GetProperty("meanMs").GetDouble(), interArrival.GetProperty("expectedMs").GetDouble());
            var bandwidth = root.GetProperty("bandwidth");
            double? server = null, driver = null;
            if (root.TryGetProperty("cpu", out var cpu) && cpu.ValueKind == JsonValueKind.Object)
            {
                var processes = cpu.GetProperty("processes").EnumerateArray()
                    .Select(p => (Name: p.GetProperty("name").GetString()!, Cores: Number(p, "cores")))
                    .ToList();
                var servers = processes.Where(p => p.Name != MetricsTarget.Self).ToList();
                server = servers.Count > 0 && servers.All(p => p.Cores is not null) ? servers.Sum(p => p.Cores!.Value) : null; // a missing one would understate
                driver = processes.Find(p => p.Name == MetricsTarget.Self).Cores;
            }

            return new SideBySideRun(
                Tanks, path, root.GetProperty("run").GetProperty("bots").GetInt32(),
                interArrival.GetProperty("p99Ms").GetDouble(),
                snapshots.GetProperty("lossPercent").GetDouble(),
                mean > 0 ? Math.Max(0, 100 * (1 - expected / mean)) : 100, // no gap at all: nothing arrived
                server, driver,
                bandwidth.GetProperty("kbitDownPerClient").GetDouble(),
                bandwidth.GetProperty("kbitUpPerClient").GetDouble(),
                0, new Dictionary<string, double>(), root.GetProperty("errorCount").GetInt64());
        });
        return WithRss(run, rssPath);
    }

    /// <summary>The one JSON line the Colyseus driver (<c>loadtest.mjs</c>) prints, and its RSS samples.</summary>
    public static SideBySideRun ReadColyseus(string path, string rssPath)
    {
        var run = Read(path, "Colyseus driver output", root =>
        {
            if (root.GetProperty("peer").GetString() != Colyseus)
            {
                throw new FormatException("\"peer\" is not \"colyseus\"");
            }

            var patches = root.GetProperty("patches");
            var received = patches.GetProperty("receivedPerClientPerS").GetProperty("mean").GetDouble();
            var broadcast = Number(root.GetProperty("server"), "patchesBroadcastPerRoomPerS");
            var cpu = root.GetProperty("cpuCores");
            var bandwidth = root.GetProperty("bandwidthPerClient");
            return new SideBySideRun(
                Colyseus, path, root.GetProperty("clients").GetInt32(),
                Number(patches.GetProperty("interArrivalMs"), "p99"),
                broadcast is > 0 ? Math.Max(0, 100 * (1 - received / broadcast.Value)) : null,
                Number(patches, "missingFraction") is { } missing ? 100 * missing : null,
                Number(cpu, "server"), Number(cpu, "driver"),
                Number(bandwidth, "downPayloadBytesPerS") is { } down ? down * 8 / 1000 : null,
                Number(bandwidth, "upPayloadBytesPerS") is { } up ? up * 8 / 1000 : null,
                0, new Dictionary<string, double>(),
                root.GetProperty("errors").EnumerateObject().Sum(e => e.Value.GetInt64()));
        });
        return WithRss(run, rssPath);
    }

    /// <summary>
    /// The peak of the summed VmRSS over the samples (one JSON line each: <c>{"t": s, "rssKb": {NAME: kB}}</c>) and each
    /// process's own peak, in MiB.
    /// </summary>
    public static (double Total, IReadOnlyDictionary<string, double> ByProcess) ReadRss(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: the RSS samples cannot be read ({ex.Message})", ex);
        }

        var (total, byProcess) = (0L, new Dictionary<string, long>(StringComparer.Ordinal));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(lines[i]);
                var sum = 0L;
                foreach (var process in json.RootElement.GetProperty("rssKb").EnumerateObject())
                {
                    var kb = process.Value.GetInt64();
                    sum += kb;
                    byProcess[process.Name] = Math.Max(byProcess.GetValueOrDefault(process.Name), kb);
                }

                total = Math.Max(total, sum);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{path}:{i + 1}: not an RSS sample ({ex.Message})", ex);
            }
        }

        return total > 0
            ? (Mb(total), byProcess.ToDictionary(p => p.Key, p => Mb(p.Value), StringComparer.Ordinal))
            : throw new InvalidDataException($"{path}: no RSS sample of a running process");
    }

    /// <summary>One row per system and client count, ascending by clients, Tanks first.</summary>
    public static IReadOnlyList<SideBySideRow> Group(IEnumerable<SideBySideRun> runs) => runs
        .GroupBy(r => (r.System, r.Clients))
        .OrderBy(g => g.Key.Clients)
        .ThenBy(g => g.Key.System == Tanks ? 0 : 1)
        .Select(g =>
        {
            var group = g.ToList();
            double? Median(Func<SideBySideRun, double?> figure)
                => Curve.Median(group.Select(figure).Where(v => v is not null).Select(v => v!.Value)) is { } m ? Math.Round(m, 4) : null;
            double? PerThousand(double? cores) => cores is { } c ? Math.Round(c * 1000 / g.Key.Clients, 4) : null;
            var (server, driver) = (Median(r => r.ServerCores), Median(r => r.DriverCores));
            return new SideBySideRow(
                g.Key.System, g.Key.Clients, group.Count,
                Median(r => r.P99InterArrivalMs), Median(r => r.LossPercent), Median(r => r.ShortfallPercent),
                server, PerThousand(server), driver, PerThousand(driver),
                Median(r => r.KbitDownPerClient), Median(r => r.KbitUpPerClient), Median(r => r.PeakRssMb),
                group.Sum(r => r.Errors));
        })
        .ToList();

    /// <summary>The table as markdown: a header, one line per row, the column legend.</summary>
    public static string Markdown(IReadOnlyList<SideBySideRow> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("| clients | system | runs | p99 inter-arrival ms | loss % | shortfall vs 20 Hz % | server cores | server cores / 1,000 | driver cores | driver cores / 1,000 | kbit/s down | kbit/s up | peak RSS MB | errors |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            md.AppendLine("| " + string.Join(" | ", new[]
            {
                F(r.Clients, "0"), r.System, F(r.Runs, "0"), F(r.P99InterArrivalMs, "0.0"), F(r.LossPercent, "0.000"), F(r.ShortfallPercent, "0.00"),
                F(r.ServerCores, "0.000"), F(r.ServerCoresPer1000Clients, "0.000"), F(r.DriverCores, "0.000"), F(r.DriverCoresPer1000Clients, "0.000"),
                F(r.KbitDownPerClient, "0.0"), F(r.KbitUpPerClient, "0.0"), F(r.PeakRssMb, "0"), F(r.Errors, "0"),
            }) + " |");
        }

        md.AppendLine();
        md.AppendLine("Medians of the runs per row (errors: summed). Columns:");
        md.AppendLine();
        foreach (var (name, meaning) in Columns)
        {
            md.AppendLine($"- `{name}`: {meaning}");
        }

        return md.ToString();
    }

    private static SideBySideRun Read(string path, string what, Func<JsonElement, SideBySideRun> figures)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            return figures(json.RootElement);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException
            or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a readable {what} ({ex.Message})", ex);
        }
    }

    private static SideBySideRun WithRss(SideBySideRun run, string rssPath)
    {
        var (total, byProcess) = ReadRss(rssPath);
        return run with { PeakRssMb = total, PeakRssMbByProcess = byProcess };
    }

    private static double Mb(long kb) => Math.Round(kb / 1024.0, 1);

    private static double? Number(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static string F(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    [GeneratedRegex(@"^(tanks|colyseus)-\d+-\d+\.json$")]
    private static partial Regex RunFile();
}
