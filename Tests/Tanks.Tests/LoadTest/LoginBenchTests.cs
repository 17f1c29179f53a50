using System.Diagnostics;
using Tanks.LoginBench;
using Tanks.Measurement;

namespace Tanks.Tests.LoadTest;

/// <summary>The pure logic of Tools/LoginBench: percentiles, medians, the open-loop schedule and the per-login CPU figures.</summary>
public sealed class LoginBenchTests
{
    [Fact]
    public void Percentile_is_nearest_rank()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, Percentile.NearestRank(sorted, 50));
        Assert.Equal(10, Percentile.NearestRank(sorted, 95)); // rank ceil(9.5) = 10
        Assert.Equal(10, Percentile.NearestRank(sorted, 99));
        Assert.Equal(1, Percentile.NearestRank(sorted, 0));
        Assert.Equal(1, Percentile.NearestRank(sorted, 10));
        Assert.Equal(2, Percentile.NearestRank(sorted, 10.1));
        Assert.Equal(0, Percentile.NearestRank([], 99));

        var hundred = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        Assert.Equal(99, Percentile.NearestRank(hundred, 99));
        Assert.Equal(95, Percentile.NearestRank(hundred, 95));
    }

    [Fact]
    public void Median_takes_the_middle_or_the_mean_of_the_two_middles()
    {
        Assert.Equal(3, Percentile.Median([5, 1, 3]));
        Assert.Equal(2.5, Percentile.Median([4, 1, 3, 2]));
        Assert.Equal(7, Percentile.Median([7]));
        Assert.Equal(0, Percentile.Median([]));
    }

    [Fact]
    public void Summary_reports_count_percentiles_max_and_mean()
    {
        var summary = BenchMath.Summarize(Enumerable.Range(1, 200).Select(i => (double)i).Reverse());
        Assert.Equal(200, summary.Count);
        Assert.Equal(100, summary.P50Ms);
        Assert.Equal(190, summary.P95Ms);
        Assert.Equal(198, summary.P99Ms);
        Assert.Equal(200, summary.MaxMs);
        Assert.Equal(100.5, summary.MeanMs);
    }

    [Fact]
    public void Open_loop_schedule_is_fixed_and_bounded_and_the_warmup_is_not_measured()
    {
        var schedule = new OpenLoopSchedule(ratePerSecond: 80, warmupSeconds: 2, measuredSeconds: 15);
        Assert.Equal(80 * 17, schedule.Count);
        Assert.Equal(0, schedule.DueSeconds(0));
        Assert.Equal(0.0125, schedule.DueSeconds(1), 9);
        Assert.Equal(2, schedule.DueSeconds(160), 9);
        Assert.False(schedule.IsMeasured(159));
        Assert.True(schedule.IsMeasured(160)); // due exactly at the end of the warm-up
        Assert.True(schedule.IsMeasured(schedule.Count - 1));
        Assert.Equal(80 * 15, schedule.MeasuredCount);
        Assert.True(schedule.DueSeconds(schedule.Count - 1) < 17);

        // A rate that does not divide the window: logins due strictly before the end.
        var odd = new OpenLoopSchedule(ratePerSecond: 33.3, warmupSeconds: 0, measuredSeconds: 1);
        Assert.Equal(34, odd.Count); // due at 0, 1/33.3, ..., 33/33.3 < 1
        Assert.True(odd.DueSeconds(odd.Count - 1) < 1);
        Assert.Equal(odd.Count, odd.MeasuredCount);

        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(0, 2, 15));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(double.NaN, 2, 15));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(10, 2, 0));
    }

    [Fact]
    public void Cpu_usage_per_login_and_the_rest_of_the_machine()
    {
        var t0 = Stopwatch.GetTimestamp();
        var start = new CpuMeter.Snapshot(t0, new Dictionary<string, CpuMeter.ProcessSample?>
        {
            ["silo"] = new(10.0, 1000),
            ["tcp"] = new(2.0, null),
            ["gone"] = null,
        }, MachineBusyTicks: 50_000);
        var end = new CpuMeter.Snapshot(t0 + 2 * Stopwatch.Frequency, new Dictionary<string, CpuMeter.ProcessSample?>
        {
            ["silo"] = new(13.0, 1000 + 100 * 4864),
            ["tcp"] = new(2.2, null),
            ["gone"] = null,
        }, MachineBusyTicks: 50_000 + 380); // 3.8 CPU-seconds in 2 s

        var usage = CpuMeter.Between(start, end, logins: 100);
        Assert.Equal(150, usage.Processes["silo"].CpuPercent);
        Assert.Equal(30, usage.Processes["silo"].CpuMsPerLogin);
        Assert.Equal(4864, usage.Processes["silo"].MinorFaultsPerLogin);
        Assert.Equal(10, usage.Processes["tcp"].CpuPercent);
        Assert.Null(usage.Processes["tcp"].MinorFaultsPerLogin);
        Assert.False(usage.Processes.ContainsKey("gone"));
        Assert.Equal(190, usage.MachinePercent);
        Assert.Equal(30, usage.OthersPercent);

        var idle = CpuMeter.Between(start, end, logins: 0);
        Assert.Null(idle.Processes["silo"].CpuMsPerLogin);
    }

    [Fact]
    public void Endpoints_parse_as_host_colon_port()
    {
        Assert.Equal(("127.0.0.1", 47303), ToolCommandLine.ParseEndpoint("127.0.0.1:47303"));
        Assert.Equal(("::1", 8888), ToolCommandLine.ParseEndpoint("::1:8888"));
        Assert.Throws<ArgumentException>(() => ToolCommandLine.ParseEndpoint("localhost"));
        Assert.Throws<ArgumentException>(() => ToolCommandLine.ParseEndpoint("localhost:0"));
        Assert.Throws<ArgumentException>(() => ToolCommandLine.ParseEndpoint(":8888"));
    }
}
