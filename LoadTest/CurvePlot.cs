namespace Tanks.LoadTest;

/// <summary>
/// The CCU curve: p99 snapshot inter-arrival per bot count (left axis) against its 100 ms limit, snapshot loss (right
/// axis) against its 0.1 % limit, so the step where a limit is crossed shows. ScottPlot, PNG or SVG by the extension.
/// </summary>
public static class CurvePlot
{
    public static void Write(string path, IReadOnlyList<CurvePoint> points, int? withinLimitsUpTo)
    {
        var bots = points.Select(p => (double)p.Bots).ToArray();
        var plot = new ScottPlot.Plot();
        var verdict = withinLimitsUpTo is { } held ? $"limits held up to {held} bots" : "the first step breaks a limit";
        plot.Title($"Tanks CCU curve: medians of {points.Sum(p => p.Runs)} runs; {verdict}");
        plot.Axes.Bottom.Label.Text = "bots (CCU)";
        plot.Axes.Left.Label.Text = "p99 snapshot inter-arrival (ms)";
        plot.Axes.Right.Label.Text = "snapshot loss (%)";

        var p99 = plot.Add.Scatter(bots, points.Select(p => p.P99InterArrivalMs).ToArray());
        p99.LegendText = "p99 inter-arrival";
        p99.LineWidth = 2;
        p99.MarkerSize = 7;
        var p99Limit = plot.Add.HorizontalLine(Curve.LimitP99InterArrivalMs);
        p99Limit.LegendText = $"{Curve.LimitP99InterArrivalMs} ms limit";
        p99Limit.LinePattern = ScottPlot.LinePattern.Dashed;
        p99Limit.Color = p99.Color;

        var loss = plot.Add.Scatter(bots, points.Select(p => p.LossPercent).ToArray());
        loss.LegendText = "loss (right)";
        loss.LineWidth = 2;
        loss.MarkerSize = 7;
        loss.Axes.YAxis = plot.Axes.Right;
        var lossLimit = plot.Add.HorizontalLine(Curve.LimitLossPercent);
        lossLimit.LegendText = $"{Curve.LimitLossPercent} % limit (right)";
        lossLimit.LinePattern = ScottPlot.LinePattern.Dotted;
        lossLimit.Color = loss.Color;
        lossLimit.Axes.YAxis = plot.Axes.Right;

        // Both limits sit at the same height (60 % of their axis) unless the data go higher, so a crossing reads at a glance.
        plot.Axes.SetLimitsX(0, Math.Max(1, bots.Max()) * 1.05);
        plot.Axes.SetLimitsY(0, Math.Max(Curve.LimitP99InterArrivalMs / 0.6, points.Max(p => p.P99InterArrivalMs) * 1.1), plot.Axes.Left);
        plot.Axes.SetLimitsY(0, Math.Max(Curve.LimitLossPercent / 0.6, points.Max(p => p.LossPercent) * 1.1), plot.Axes.Right);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);

        if (Path.GetExtension(path).Equals(".svg", StringComparison.OrdinalIgnoreCase))
        {
            plot.SaveSvg(path, 900, 450);
        }
        else
        {
            plot.SavePng(path, 900, 450);
        }
    }
}
