using ScottPlot;
using ScottPlot.Panels;
using Tanks.LoadTest;

namespace Tanks.Tests.LoadTest;

/// <summary>The load test's plot (<see cref="RunPlot"/>): its legend sits below the axes, never over the lines.</summary>
public sealed class RunPlotTests
{
    private static readonly RunSummary Run = new(
        "127.0.0.1:8888", 200, 50, 60, 20, 1, "medium", 2, new DateTime(2026, 12, 2, 2, 0, 0, DateTimeKind.Utc),
        64, 200, 200, 0, 10, 50, 0);

    [Fact]
    public void The_legend_is_a_row_below_the_data_area_and_the_png_is_written()
    {
        var points = Timeline();
        var plot = RunPlot.Build(points, Run);
        var path = Path.Combine(Directory.CreateTempSubdirectory("tanks-plot-").FullName, "load.png");
        plot.SavePng(path, RunPlot.Width, RunPlot.Height);

        Assert.False(plot.Legend.IsVisible); // no legend box inside the data area
        var panel = Assert.Single(plot.Axes.GetPanels().OfType<LegendPanel>());
        Assert.Equal(Edge.Bottom, panel.Edge);
        Assert.Equal(
            ["connected bots", "bots in battle", "bots starved of snapshots", "p99 snapshot inter-arrival (right)", "tick period (right)", "warmup end"],
            plot.Legend.GetItems().Select(i => i.LabelText).ToArray());

        // The whole legend fits between the data area's bottom and the image's.
        var data = plot.LastRender.DataRect;
        Assert.True(data.Height > RunPlot.Height / 2, $"data area {data} too small");
        Assert.True(data.Bottom + plot.Legend.LastRenderSize.Height <= RunPlot.Height,
            $"legend {plot.Legend.LastRenderSize} does not fit below the data area {data}");

        // The file the load tool writes (ScottPlot's PNG, or the plain SVG where Skia cannot load).
        var written = RunPlot.Write(path, points, Run);
        Assert.True(new FileInfo(written).Length > 1000);
        TestContext.Current.SendDiagnosticMessage($"plot: {written}");
    }

    private static List<TimelinePoint> Timeline()
    {
        var points = new List<TimelinePoint>();
        for (var s = 1; s <= 60; s++)
        {
            var connected = Math.Min(200, s * 50);
            var inBattle = s < 5 ? 0 : connected - 14;
            points.Add(new TimelinePoint(s, connected, inBattle, inBattle / 14.0, 0, 4000, 4000, 10, 1400, 20,
                52 + (s % 7), 0, Starved: s is > 40 and < 45 ? 3 : 0));
        }

        return points;
    }
}
