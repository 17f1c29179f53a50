using System.Diagnostics;
using Tanks.LoadTest;
using Tanks.Measurement;

namespace Tanks.Tests.LoadTest;

/// <summary>
/// <c>--warmup</c>: what happens before the measured window opens stays out of the report's snapshot, fire-to-shot,
/// traffic and CPU figures, while the timeline keeps everything.
/// </summary>
public sealed class MeasuredWindowTests
{
    private static readonly long Period = Stopwatch.Frequency / 20;

    [Fact]
    public void A_battle_open_across_the_warmup_counts_only_the_ticks_and_gaps_after_it()
    {
        var metrics = new LoadMetrics();
        var ticks = new TickWindow(metrics);
        ticks.Reset();
        Arrive(ticks, Enumerable.Range(1, 10).Where(t => t != 5)); // tick 5 lost during the warmup
        metrics.BeginMeasurement();
        Arrive(ticks, Enumerable.Range(11, 10).Where(t => t != 15));
        ticks.Close();

        Assert.Equal(10, metrics.ExpectedTicks); // 11..20
        Assert.Equal(9, metrics.ReceivedTicks);
        Assert.Equal(9, metrics.InterArrival.Count); // 11 (its gap ends after the warmup) .. 20, without 15
        Assert.Equal(8 + 9, metrics.TakeInterArrivalWindow().Count); // the timeline's histogram has them all
        Assert.Equal(18, metrics.SnapshotsReceived);
    }

    [Fact]
    public void After_the_warmup_counting_starts_at_the_tick_after_the_newest_one_seen_before_it()
    {
        var metrics = new LoadMetrics();
        var ticks = new TickWindow(metrics);
        ticks.Reset();
        Arrive(ticks, Enumerable.Range(1, 10));
        metrics.BeginMeasurement();
        Arrive(ticks, [9, 13, 12]); // 9: late from the warmup, ignored; 11 lost; 12 late but arrived

        ticks.Close();

        Assert.Equal(3, metrics.ExpectedTicks); // 11, 12, 13
        Assert.Equal(2, metrics.ReceivedTicks);
    }

    [Fact]
    public void A_battle_that_ends_before_a_tick_arrives_after_the_warmup_counts_nothing_and_the_next_counts_whole()
    {
        var metrics = new LoadMetrics();
        var ticks = new TickWindow(metrics);
        ticks.Reset();
        Arrive(ticks, Enumerable.Range(1, 10));
        metrics.BeginMeasurement();
        ticks.Close(); // BattleEnd with no snapshot since the warmup ended

        Assert.Equal(0, metrics.ExpectedTicks);
        Assert.Equal(0, metrics.InterArrival.Count);

        ticks.Reset();
        Arrive(ticks, Enumerable.Range(100, 5));
        ticks.Close();

        Assert.Equal(5, metrics.ExpectedTicks);
        Assert.Equal(5, metrics.ReceivedTicks);
        Assert.Equal(4, metrics.InterArrival.Count);
    }

    [Fact]
    public void Fire_to_shot_and_unanswered_fires_count_only_once_measuring()
    {
        var metrics = new LoadMetrics();
        metrics.RecordFireToShot(50_000);
        metrics.FireWentUnanswered();
        metrics.BeginMeasurement();
        metrics.RecordFireToShot(60_000);
        metrics.FireWentUnanswered();

        Assert.Equal(1, metrics.FireToShot.Count);
        Assert.Equal(60, metrics.FireToShot.MaxMs);
        Assert.Equal(1, metrics.FireUnanswered);
    }

    [Fact]
    public void The_window_takes_the_traffic_after_its_start_and_integrates_bots_and_battles_over_its_length()
    {
        var metrics = new LoadMetrics();
        var window = new MeasuredWindow(metrics);
        var t0 = 1000 * Stopwatch.Frequency;
        (metrics.PacketsUp, metrics.PacketsDown, metrics.BytesDown, metrics.Connected, metrics.BattleShares) = (500, 700, 9000, 2, 1_000_000);
        window.Sample(t0 - Stopwatch.Frequency); // before the window: ignored

        window.Begin(t0);
        Assert.True(metrics.Measuring);
        (metrics.PacketsUp, metrics.PacketsDown, metrics.BytesDown, metrics.Connected, metrics.BattleShares) = (600, 1000, 12000, 4, 2_000_000);
        window.Sample(t0 + Stopwatch.Frequency);
        metrics.Connected = 0; // the drivers disconnect at the end: the last stretch holds the last sample
        window.End(t0 + Stopwatch.Frequency * 3 / 2);
        metrics.PacketsUp = 10_000;
        window.Sample(t0 + 2 * Stopwatch.Frequency); // after the end: ignored

        var figures = window.Figures;
        Assert.Equal(1.5, figures.Seconds, 6);
        Assert.Equal(new Traffic(100, 300, 0, 3000, 0), figures.Traffic);
        Assert.Equal((2 + 4) / 2.0 * 1 + 4 * 0.5, figures.BotSeconds, 6);
        Assert.Equal((1 + 2) / 2.0 * 1 + 2 * 0.5, figures.BattleSeconds, 6);
    }

    [Fact]
    public void A_window_that_never_opened_has_no_figures_and_its_cpu_says_why()
    {
        var window = new MeasuredWindow(new LoadMetrics());
        window.End(Stopwatch.GetTimestamp());

        Assert.Equal(default, window.Figures);
        var cpu = CpuSummary.From([], null, null, window.Figures, 20);
        Assert.Contains("warmup", Assert.Single(cpu.Processes).Error);
        Assert.Null(cpu.TotalCores);
    }

    [Fact]
    public void Cpu_per_packet_per_battle_tick_and_battles_per_core_come_from_the_window()
    {
        var targets = new[]
        {
            MetricsTarget.Parse("silo=http://127.0.0.1:1/metrics"),
            MetricsTarget.Parse("gateway-udp=http://127.0.0.1:2/metrics"),
        };
        var begin = Readings(("silo", 10.0), ("gateway-udp", 5.0), ("loadtest", 1.0));
        var end = Readings(("silo", 10.4), ("gateway-udp", 5.2), ("loadtest", 2.0));
        var window = new WindowFigures(10, new Traffic(1000, 3000, 0, 0, 0), BotSeconds: 280, BattleSeconds: 20); // 2 battles for 10 s

        var cpu = CpuSummary.From(targets, begin, end, window, tickRate: 20);

        Assert.Equal(new[] { "silo", "gateway-udp", "loadtest" }, cpu.Processes.Select(p => p.Name));
        Assert.All(cpu.Processes, p => Assert.Null(p.Error));
        Assert.Equal(0.04, cpu.Processes[0].Cores);
        Assert.Equal(0.1, cpu.Processes[2].Cores);
        Assert.Equal(0.04 + 0.02 + 0.1, cpu.TotalCores!.Value, 6);
        Assert.Equal(4000, cpu.BotPackets);
        Assert.Equal(50, cpu.GatewayUdpMicrosPerPacket);   // 0.2 s / 4000 packets
        Assert.Equal(400, cpu.BattleTicks);                // 20 battle-seconds × 20 Hz
        Assert.Equal(1000, cpu.SiloMicrosPerBattleTick);   // 0.4 s / 400
        Assert.Equal(50, cpu.SiloBattlesPerCore);          // 1e6 / (1000 µs × 20 Hz)
    }

    [Fact]
    public void A_failed_scrape_is_reported_for_its_process_and_leaves_the_others()
    {
        var targets = new[] { MetricsTarget.Parse("silo=http://127.0.0.1:1/metrics"), MetricsTarget.Parse("gateway-udp=http://127.0.0.1:2/metrics") };
        var begin = Readings(("silo", 10.0), ("gateway-udp", 5.0), ("loadtest", 1.0));
        var end = new Dictionary<string, CpuReading>(Readings(("silo", 10.4), ("loadtest", 2.0)))
        {
            ["gateway-udp"] = new CpuReading(null, "scrape failed: timeout"),
        };

        var cpu = CpuSummary.From(targets, begin, end, new WindowFigures(10, new Traffic(1, 1, 0, 0, 0), 10, 1), 20);

        Assert.Equal("at the end: scrape failed: timeout", cpu.Processes[1].Error);
        Assert.Null(cpu.Processes[1].Cores);
        Assert.Null(cpu.GatewayUdpMicrosPerPacket);
        Assert.Null(cpu.TotalCores);
        Assert.Equal(0.04, cpu.Processes[0].Cores);
        Assert.NotNull(cpu.SiloMicrosPerBattleTick);
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("=http://127.0.0.1/metrics")]
    [InlineData("silo=not a url")]
    [InlineData("silo=ftp://127.0.0.1/metrics")]
    [InlineData("loadtest=http://127.0.0.1/metrics")]
    public void Bad_metrics_targets_are_refused(string value)
        => Assert.Throws<ArgumentException>(() => MetricsTarget.Parse(value));

    private static void Arrive(TickWindow ticks, IEnumerable<int> sequence)
    {
        foreach (var tick in sequence)
        {
            ticks.Arrived((uint)tick, tick * Period);
        }
    }

    private static IReadOnlyDictionary<string, CpuReading> Readings(params (string Name, double Seconds)[] readings)
        => readings.ToDictionary(r => r.Name, r => new CpuReading(r.Seconds, null));
}
