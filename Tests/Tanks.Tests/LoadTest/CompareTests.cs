using System.Text.Json;
using System.Text.Json.Nodes;
using Tanks.LoadTest;
using Tanks.Measurement;

namespace Tanks.Tests.LoadTest;

/// <summary>
/// The <c>compare</c> subcommand on fixtures (<c>Fixtures/side-by-side</c>: one Tanks report, one Colyseus driver output
/// and their RSS samples, with known numbers): the rows, the medians of repeats, the table, unreadable input.
/// </summary>
public sealed class CompareTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "LoadTest", "Fixtures", "side-by-side");

    private const string TanksRow = "| 140 | tanks | 1 | 56.3 | 0.012 | 0.99 | 0.150 | 1.071 | 0.080 | 0.571 | 5.8 | 2.4 | 384 | 2 |";
    private const string ColyseusRow = "| 140 | colyseus | 1 | 52.5 | 0.200 | 0.40 | 0.131 | 0.936 | 0.151 | 1.079 | 39.4 | 3.9 | 113 | 1 |";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tanks-compare-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void The_fixtures_give_one_row_per_system_with_the_expected_figures()
    {
        var rows = SideBySide.Group(SideBySide.ReadDirectory(Fixtures));

        Assert.Equal(2, rows.Count);
        var (tanks, colyseus) = (rows[0], rows[1]);
        Assert.Equal(
            new SideBySideRow(SideBySide.Tanks, 140, 1, P99InterArrivalMs: 56.3, LossPercent: 0.012, ShortfallPercent: 0.9901, // 1 − 50 / 50.5
                ServerCores: 0.15, ServerCoresPer1000Clients: 1.0714, DriverCores: 0.08, DriverCoresPer1000Clients: 0.5714, // silo + both gateways
                KbitDownPerClient: 5.8, KbitUpPerClient: 2.4, PeakRssMb: 384, Errors: 2), // the second sample's sum: 393,216 kB
            tanks);
        Assert.Equal(
            new SideBySideRow(SideBySide.Colyseus, 140, 1, P99InterArrivalMs: 52.5, LossPercent: 0.2004, ShortfallPercent: 0.4, // 1 − 19.92 / 19.96
                ServerCores: 0.131, ServerCoresPer1000Clients: 0.9357, DriverCores: 0.151, DriverCoresPer1000Clients: 1.0786,
                KbitDownPerClient: 39.432, KbitUpPerClient: 3.8976, PeakRssMb: 113, Errors: 1), // 4,929 and 487.2 B/s
            colyseus);

        var markdown = SideBySide.Markdown(rows).Split('\n');
        Assert.StartsWith("| clients | system | runs | p99 inter-arrival ms | loss % | shortfall vs 20 Hz % |", markdown[0]);
        Assert.Equal(TanksRow, markdown[2]);
        Assert.Equal(ColyseusRow, markdown[3]);
    }

    [Fact]
    public void Each_process_keeps_its_own_peak_and_the_total_is_the_largest_sum_of_one_sample()
    {
        var run = SideBySide.ReadTanks(Path.Combine(Fixtures, "tanks-140-1.json"), Path.Combine(Fixtures, "rss-tanks-140-1.jsonl"));

        Assert.Equal(384, run.PeakRssMb);
        Assert.Equal(205, run.PeakRssMbByProcess["silo"]);
        Assert.Equal(100, run.PeakRssMbByProcess["gateway-udp"]); // its peak came in the first sample, the total's in the second
        Assert.Equal(80, run.PeakRssMbByProcess["gateway-tcp"]);
    }

    [Fact]
    public void Repeats_are_medians_per_system_and_client_count_and_errors_add_up()
    {
        Copy("tanks-140-1.json", "rss-tanks-140-1.jsonl", "rss-colyseus-140-1.jsonl");
        File.Copy(Path.Combine(Fixtures, "rss-colyseus-140-1.jsonl"), Path.Combine(_dir.FullName, "rss-colyseus-280-1.jsonl"));
        File.Copy(Path.Combine(Fixtures, "rss-colyseus-140-1.jsonl"), Path.Combine(_dir.FullName, "rss-colyseus-280-2.jsonl"));
        File.Copy(Path.Combine(Fixtures, "rss-colyseus-140-1.jsonl"), Path.Combine(_dir.FullName, "rss-colyseus-280-3.jsonl"));
        Colyseus("colyseus-140-1.json", 140, p99: 52.5, server: 0.131, drops: 1);
        Colyseus("colyseus-280-1.json", 280, p99: 60, server: 0.2, drops: 0);
        Colyseus("colyseus-280-2.json", 280, p99: 54, server: 0.25, drops: 2);
        Colyseus("colyseus-280-3.json", 280, p99: 58, server: 0.21, drops: 3);
        Tanks("tanks-140-2.json", p99: 60.3, server: [0.07, 0.1, 0.01]); // even count: the mean of the middle two

        var rows = SideBySide.Group(SideBySide.ReadDirectory(_dir.FullName));

        Assert.Equal(new[] { (140, "tanks", 2), (140, "colyseus", 1), (280, "colyseus", 3) }, rows.Select(r => (r.Clients, r.System, r.Runs)));
        Assert.Equal(58.3, rows[0].P99InterArrivalMs);
        Assert.Equal(0.165, rows[0].ServerCores);
        Assert.Equal(1.1786, rows[0].ServerCoresPer1000Clients); // of the median: 0.165 × 1,000 / 140
        Assert.Equal(4, rows[0].Errors);
        Assert.Equal(58, rows[2].P99InterArrivalMs);
        Assert.Equal(0.21, rows[2].ServerCores);
        Assert.Equal(0.75, rows[2].ServerCoresPer1000Clients);
        Assert.Equal(5, rows[2].Errors);
    }

    [Fact]
    public void A_tanks_report_with_a_process_missing_has_no_server_cores()
    {
        Copy("rss-tanks-140-1.jsonl");
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "tanks-140-1.json")))!;
        report["cpu"]!["processes"]![2]!["cores"] = null;
        File.WriteAllText(Path.Combine(_dir.FullName, "tanks-140-1.json"), report.ToJsonString());

        var run = SideBySide.ReadTanks(Path.Combine(_dir.FullName, "tanks-140-1.json"), Path.Combine(_dir.FullName, "rss-tanks-140-1.jsonl"));

        Assert.Null(run.ServerCores); // the sum of two of three would understate it
        Assert.Equal(0.08, run.DriverCores);
    }

    [Fact]
    public void Reads_the_report_the_load_tool_writes()
    {
        var metrics = new LoadMetrics();
        metrics.BeginMeasurement();
        metrics.RecordInterArrival(50_000);
        metrics.RecordInterArrival(75_000);
        metrics.AddTicks(1000, 990);
        metrics.Error("snapshot_BaselineMissing");
        var targets = new[] { MetricsTarget.Parse("silo=http://127.0.0.1:1/metrics"), MetricsTarget.Parse("gateway-udp=http://127.0.0.1:2/metrics") };
        var window = new WindowFigures(10, new Traffic(100, 200, 2500, 12_500, 200), BotSeconds: 10, BattleSeconds: 5);
        var cpu = CpuSummary.From(
            targets,
            new Dictionary<string, CpuReading> { ["silo"] = new(1, null), ["gateway-udp"] = new(2, null), ["loadtest"] = new(1, null) },
            new Dictionary<string, CpuReading> { ["silo"] = new(2, null), ["gateway-udp"] = new(4, null), ["loadtest"] = new(1.5, null) },
            window,
            20);
        var result = LoadResult.From(new LoadOptions { Bots = 28 }, metrics, [], DateTime.UtcNow, 12, window, cpu);
        var path = Path.Combine(_dir.FullName, "tanks-28-1.json");
        File.WriteAllText(path, JsonSerializer.Serialize(result, LoadResult.Json));
        Copy("rss-tanks-140-1.jsonl");

        var run = SideBySide.ReadTanks(path, Path.Combine(_dir.FullName, "rss-tanks-140-1.jsonl"));

        Assert.Equal(28, run.Clients);
        Assert.Equal(1.0, run.LossPercent);
        Assert.Equal(result.Snapshots.InterArrival.P99Ms, run.P99InterArrivalMs);
        Assert.Equal(100 * (1 - 50 / result.Snapshots.InterArrival.MeanMs), run.ShortfallPercent);
        Assert.Equal(0.3, run.ServerCores!.Value, 9); // (1 + 2) s over 10 s
        Assert.Equal(0.05, run.DriverCores);
        Assert.Equal(10, run.KbitDownPerClient);
        Assert.Equal(2, run.KbitUpPerClient);
        Assert.Equal(1, run.Errors);
    }

    [Theory]
    [InlineData("")] // the driver died before its line
    [InlineData("{")]
    [InlineData("{\"peer\":\"other\",\"clients\":140}")]
    [InlineData("{\"peer\":\"colyseus\",\"clients\":140}")]
    public void An_unreadable_colyseus_output_names_its_path(string content)
    {
        Copy("rss-colyseus-140-1.jsonl");
        var path = Path.Combine(_dir.FullName, "colyseus-140-1.json");
        File.WriteAllText(path, content);

        var ex = Assert.Throws<InvalidDataException>(() => SideBySide.ReadDirectory(_dir.FullName));
        Assert.StartsWith($"{path}: not a readable Colyseus driver output", ex.Message);
    }

    [Fact]
    public void Missing_or_bad_rss_samples_and_an_empty_directory_are_errors()
    {
        Copy("tanks-140-1.json");
        var rss = Path.Combine(_dir.FullName, "rss-tanks-140-1.jsonl");
        Assert.StartsWith($"{rss}: the RSS samples cannot be read", Assert.Throws<InvalidDataException>(() => SideBySide.ReadDirectory(_dir.FullName)).Message);

        File.WriteAllText(rss, "{\"t\":1,\"rssKb\":{\"silo\":1}}\nnot json\n");
        Assert.StartsWith($"{rss}:2: not an RSS sample", Assert.Throws<InvalidDataException>(() => SideBySide.ReadDirectory(_dir.FullName)).Message);

        File.WriteAllText(rss, "{\"t\":1,\"rssKb\":{}}\n");
        Assert.StartsWith($"{rss}: no RSS sample", Assert.Throws<InvalidDataException>(() => SideBySide.ReadDirectory(_dir.FullName)).Message);

        var empty = _dir.CreateSubdirectory("empty").FullName;
        Assert.StartsWith($"{empty}: no tanks-N-R.json or colyseus-N-R.json", Assert.Throws<InvalidDataException>(() => SideBySide.ReadDirectory(empty)).Message);
    }

    [Fact]
    public async Task The_subcommand_prints_the_table_writes_md_and_json_and_exits_1_on_a_bad_file()
    {
        Copy("tanks-140-1.json", "rss-tanks-140-1.jsonl", "colyseus-140-1.json", "rss-colyseus-140-1.jsonl");

        var (exit, output) = await LoadToolSmokeTests.RunToolAsync("compare", _dir.FullName);

        Assert.True(exit == 0, $"exit code {exit}\n{output}");
        Assert.Contains(TanksRow, output);
        Assert.Contains(ColyseusRow, output);
        var markdown = await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "side-by-side.md"));
        Assert.Contains(TanksRow, markdown);
        Assert.Contains(ColyseusRow, markdown);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "side-by-side.json")))!;
        Assert.Equal(2, json["rows"]!.AsArray().Count);
        Assert.Equal("colyseus", (string)json["rows"]![1]!["system"]!);
        Assert.Equal(0.9357, (double)json["rows"]![1]!["serverCoresPer1000Clients"]!);
        Assert.Equal(205, (double)json["runs"]![1]!["peakRssMbByProcess"]!["silo"]!); // runs in file order: colyseus-, then tanks-

        File.Delete(Path.Combine(_dir.FullName, "rss-colyseus-140-1.jsonl"));
        (exit, output) = await LoadToolSmokeTests.RunToolAsync("compare", _dir.FullName);
        Assert.True(exit == 1, $"exit code {exit}\n{output}");
        Assert.Contains("rss-colyseus-140-1.jsonl: the RSS samples cannot be read", output);
    }

    private void Copy(params string[] names)
    {
        foreach (var name in names)
        {
            File.Copy(Path.Combine(Fixtures, name), Path.Combine(_dir.FullName, name));
        }
    }

    /// <summary>The Colyseus fixture with other figures, as <paramref name="name"/> in the temp directory.</summary>
    private void Colyseus(string name, int clients, double p99, double server, int drops)
    {
        var output = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "colyseus-140-1.json")))!;
        output["clients"] = clients;
        output["patches"]!["interArrivalMs"]!["p99"] = p99;
        output["cpuCores"]!["server"] = server;
        output["errors"]!["drops"] = drops;
        File.WriteAllText(Path.Combine(_dir.FullName, name), output.ToJsonString());
    }

    /// <summary>The Tanks fixture with other figures; <paramref name="server"/>: silo, gateway-udp, gateway-tcp cores.</summary>
    private void Tanks(string name, double p99, double[] server)
    {
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "tanks-140-1.json")))!;
        report["snapshots"]!["interArrival"]!["p99Ms"] = p99;
        for (var i = 0; i < server.Length; i++)
        {
            report["cpu"]!["processes"]![i]!["cores"] = server[i];
        }

        File.WriteAllText(Path.Combine(_dir.FullName, name), report.ToJsonString());
        File.Copy(Path.Combine(Fixtures, "rss-tanks-140-1.jsonl"), Path.Combine(_dir.FullName, $"rss-{Path.GetFileNameWithoutExtension(name)}.jsonl"));
    }
}
