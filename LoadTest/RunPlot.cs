namespace Tanks.LoadTest;

/// <summary>
/// The plot beside the report: connected bots, bots in battle and (if any) bots starved of snapshots (left axis), p99 snapshot inter-arrival per second and
/// the tick period (right axis), the warmup's end as a vertical line (the timeline covers the whole run). ScottPlot, PNG or SVG by the path's extension
/// (both drawn by its Skia backend, whose native library ships with the tool: SkiaSharp.NativeAssets.Linux.NoDependencies).
/// </summary>
public static class RunPlot
{
    /// <summary>Image size in pixels (the legend row below the axes included).</summary>
    public const int Width = 900, Height = 500;

    /// <summary>Writes the plot; returns its path.</summary>
    public static string Write(string path, IReadOnlyList<TimelinePoint> points, RunSummary run)
    {
        var plot = Build(points, run);
        if (Path.GetExtension(path).Equals(".svg", StringComparison.OrdinalIgnoreCase))
        {
            plot.SaveSvg(path, Width, Height);
        }
        else
        {
            plot.SavePng(path, Width, Height);
        }

        return path;
    }

    /// <summary>The plot, not yet rendered (tests look at where its parts land).</summary>
    public static ScottPlot.Plot Build(IReadOnlyList<TimelinePoint> points, RunSummary run)
    {
        var seconds = points.Select(p => p.Seconds).ToArray();
        var plot = new ScottPlot.Plot();
        plot.Title($"Tanks load test: {run.Bots} bots, seed {run.Seed}, {run.StartedUtc:yyyy-MM-dd HH:mm} UTC");
        plot.Axes.Bottom.Label.Text = "time (s)";
        plot.Axes.Left.Label.Text = "bots (CCU)";
        plot.Axes.Right.Label.Text = "p99 snapshot inter-arrival (ms)";

        if (seconds.Length > 0)
        {
            var connected = plot.Add.Scatter(seconds, points.Select(p => (double)p.Connected).ToArray());
            connected.LegendText = "connected bots";
            connected.LineWidth = 2;
            connected.MarkerSize = 0;
            var inBattle = plot.Add.Scatter(seconds, points.Select(p => (double)p.InBattle).ToArray());
            inBattle.LegendText = "bots in battle";
            inBattle.LineWidth = 2;
            inBattle.MarkerSize = 0;
            if (points.Any(p => p.Starved > 0))
            {
                var starved = plot.Add.Scatter(seconds, points.Select(p => (double)p.Starved).ToArray());
                starved.LegendText = "bots starved of snapshots";
                starved.LineWidth = 2;
                starved.MarkerSize = 0;
            }

            var gap = plot.Add.Scatter(seconds, points.Select(p => p.P99InterArrivalMs).ToArray());
            gap.LegendText = "p99 snapshot inter-arrival (right)";
            gap.LineWidth = 2;
            gap.MarkerSize = 3;
            gap.Axes.YAxis = plot.Axes.Right;
        }

        var tick = plot.Add.HorizontalLine(1000.0 / run.TickRate);
        tick.LegendText = "tick period (right)";
        tick.LinePattern = ScottPlot.LinePattern.Dashed;
        tick.Axes.YAxis = plot.Axes.Right;
        if (run.WarmupSeconds > 0)
        {
            var warmup = plot.Add.VerticalLine(run.WarmupSeconds);
            warmup.LegendText = "warmup end";
            warmup.LinePattern = ScottPlot.LinePattern.Dotted;
            warmup.Color = ScottPlot.Colors.Gray;
        }

        plot.Axes.SetLimitsY(0, Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.Connected)) * 1.1, plot.Axes.Left);
        plot.Axes.SetLimitsY(0, Math.Max(2000.0 / run.TickRate, points.Count == 0 ? 0 : points.Max(p => p.P99InterArrivalMs)) * 1.1, plot.Axes.Right);
        // Below the axes, in rows: a legend inside the data area hid the lines it names (up to a third of the plot).
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        plot.Legend.Orientation = ScottPlot.Orientation.Horizontal;
        return plot;
    }
}
