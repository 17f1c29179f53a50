using System.Text.Json;
using System.Text.Json.Nodes;
using Tanks.LoadTest;
using Tanks.Measurement;

namespace Tanks.Tests.LoadTest;

/// <summary>The <c>curve</c> subcommand: reports grouped by bot count, medians per group, the limits, unreadable input.</summary>
public sealed class CurveTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tanks-curve-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Runs_are_grouped_by_bot_count_and_each_figure_is_the_median_of_its_group()
    {
        var runs = new[]
        {
            Report(50, p99: 60, loss: 0, kbit: 9, cores: new() { ["silo"] = 0.2, ["loadtest"] = 0.1 }, udp: 10, silo: 300),
            Report(50, p99: 55, loss: 0.2, kbit: 8, cores: new() { ["silo"] = 0.4, ["loadtest"] = 0.3 }, udp: 30, silo: 100),
            Report(50, p99: 90, loss: 0.05, kbit: 10, cores: new() { ["silo"] = 0.3, ["loadtest"] = 0.2 }, udp: 20, silo: 200),
            Report(100, p99: 80, loss: 0, kbit: 9, cores: new() { ["silo"] = 0.5 }, udp: 12, silo: null),
            Report(100, p99: 120, loss: 1, kbit: 7, cores: new() { ["silo"] = 0.7, ["gateway-udp"] = 0.9 }, udp: null, silo: 150),
            Report(150, p99: 200, loss: 3, kbit: 6, cores: null, udp: null, silo: null), // an older report: no cpu section
        }.Select(Curve.Read);

        var points = Curve.Group(runs.Reverse());

        Assert.Equal(new[] { 50, 100, 150 }, points.Select(p => p.Bots));
        Assert.Equal(new[] { 3, 2, 1 }, points.Select(p => p.Runs));
        var (fifty, hundred, last) = (points[0], points[1], points[2]);
        Assert.Equal((60.0, 0.05, 9.0), (fifty.P99InterArrivalMs, fifty.LossPercent, fifty.KbitDownPerClient));
        Assert.Equal(0.3, fifty.Cores["silo"]);
        Assert.Equal(0.2, fifty.Cores["loadtest"]);
        Assert.Equal(20, fifty.GatewayUdpMicrosPerPacket);
        Assert.Equal(200, fifty.SiloMicrosPerBattleTick);

        Assert.Equal((100.0, 0.5, 8.0), (hundred.P99InterArrivalMs, hundred.LossPercent, hundred.KbitDownPerClient)); // even: mean of the middle two
        Assert.Equal(0.6, hundred.Cores["silo"], 9);
        Assert.Equal(0.9, hundred.Cores["gateway-udp"]); // only the runs that have the process
        Assert.Equal(12, hundred.GatewayUdpMicrosPerPacket);
        Assert.Equal(150, hundred.SiloMicrosPerBattleTick);

        Assert.Empty(last.Cores);
        Assert.Null(last.GatewayUdpMicrosPerPacket);
        Assert.Null(last.SiloMicrosPerBattleTick);

        Assert.True(fifty.WithinLimits);
        Assert.False(hundred.WithinLimits); // p99 100 ms is not under 100 ms
        Assert.Equal(50, Curve.WithinLimitsUpTo(points));
    }

    [Fact]
    public void Reads_the_report_the_tool_writes()
    {
        var metrics = new LoadMetrics();
        metrics.BeginMeasurement();
        metrics.RecordInterArrival(52_000);
        metrics.AddTicks(1000, 999);
        var targets = new[] { MetricsTarget.Parse("silo=http://127.0.0.1:1/metrics") };
        var window = new WindowFigures(10, new Traffic(100, 200, 3000, 12_500, 200), BotSeconds: 10, BattleSeconds: 5);
        var cpu = CpuSummary.From(
            targets,
            new Dictionary<string, CpuReading> { ["silo"] = new(1, null), ["loadtest"] = new(1, null) },
            new Dictionary<string, CpuReading> { ["silo"] = new(2, null), ["loadtest"] = new(1.5, null) },
            window,
            20);
        var result = LoadResult.From(new LoadOptions { Bots = 28 }, metrics, [], DateTime.UtcNow, 12, window, cpu);
        var path = Path.Combine(_dir.FullName, "tool.json");
        File.WriteAllText(path, JsonSerializer.Serialize(result, LoadResult.Json));

        var run = Curve.Read(path);

        Assert.Equal(28, run.Bots);
        Assert.Equal(result.Snapshots.InterArrival.P99Ms, run.P99InterArrivalMs);
        Assert.Equal(0.1, run.LossPercent);
        Assert.Equal(10, run.KbitDownPerClient); // 12,500 B × 8 / 10 bot-s
        Assert.Equal(0.1, run.Cores["silo"]);
        Assert.Equal(0.05, run.Cores["loadtest"]);
        Assert.Equal(1e6 / (5 * 20), run.SiloMicrosPerBattleTick);
        Assert.Null(run.GatewayUdpMicrosPerPacket);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"run\": {\"bots\": 10}}")]
    [InlineData("{\"run\": {\"bots\": \"ten\"}, \"snapshots\": {}}")]
    [InlineData("[]")]
    public void An_unreadable_report_names_its_path(string content)
    {
        var path = Path.Combine(_dir.FullName, "bad.json");
        File.WriteAllText(path, content);

        var ex = Assert.Throws<InvalidDataException>(() => Curve.Read(path));
        Assert.StartsWith(path, ex.Message);
        Assert.Throws<InvalidDataException>(() => Curve.Read(Path.Combine(_dir.FullName, "missing.json")));
    }

    [Fact]
    public async Task The_subcommand_writes_the_table_the_json_and_the_plot_and_exits_1_on_a_bad_report()
    {
        var a = Report(20, p99: 55, loss: 0, kbit: 9, cores: new() { ["silo"] = 0.2 }, udp: 10, silo: 300);
        var b = Report(40, p99: 130, loss: 0.5, kbit: 9, cores: new() { ["silo"] = 0.4 }, udp: 11, silo: 310);
        var plot = Path.Combine(_dir.FullName, "out", "curve.png");

        var (exit, output) = await LoadToolSmokeTests.RunToolAsync("curve", "--out", plot, a, b);

        Assert.True(exit == 0, $"exit code {exit}\n{output}");
        Assert.Contains("Tanks CCU curve", output);
        var png = await File.ReadAllBytesAsync(plot);
        Assert.True(png.Length > 1000 && png.AsSpan(1, 3).SequenceEqual("PNG"u8), "not a PNG plot");
        var curve = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "out", "curve.json")))!;
        Assert.Equal(20, (int)curve["withinLimitsUpToBots"]!);
        Assert.Equal(2, curve["points"]!.AsArray().Count);
        Assert.Equal(0.4, (double)curve["points"]![1]!["cores"]!["silo"]!);

        var bad = Path.Combine(_dir.FullName, "bad.json");
        File.WriteAllText(bad, "{");
        (exit, output) = await LoadToolSmokeTests.RunToolAsync("curve", "--out", plot, a, bad);
        Assert.True(exit == 1, $"exit code {exit}\n{output}");
        Assert.Contains($"{bad}: not a readable load report", output);
    }

    /// <summary>A hand-made report with the fields the curve reads (as the tool names them).</summary>
    private string Report(int bots, double p99, double loss, double kbit, Dictionary<string, double>? cores, double? udp, double? silo)
    {
        var report = new JsonObject
        {
            ["run"] = new JsonObject { ["bots"] = bots },
            ["snapshots"] = new JsonObject { ["lossPercent"] = loss, ["interArrival"] = new JsonObject { ["p99Ms"] = p99 } },
            ["bandwidth"] = new JsonObject { ["kbitDownPerClient"] = kbit },
        };
        if (cores is not null)
        {
            var processes = new JsonArray();
            foreach (var (name, value) in cores)
            {
                processes.Add(new JsonObject { ["name"] = name, ["cores"] = value });
            }

            processes.Add(new JsonObject { ["name"] = "gateway-tcp", ["cores"] = null, ["error"] = "scrape failed" });
            report["cpu"] = new JsonObject { ["processes"] = processes, ["gatewayUdpMicrosPerPacket"] = udp, ["siloMicrosPerBattleTick"] = silo };
        }

        var path = Path.Combine(_dir.FullName, $"run-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, report.ToJsonString());
        return path;
    }
}
