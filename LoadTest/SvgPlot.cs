using System.Globalization;
using System.Text;

namespace Tanks.LoadTest;

/// <summary>
/// The run over time as a self-contained SVG (no native graphics library): connected bots and bots in battle on the
/// left axis, p99 snapshot inter-arrival of each second on the right axis, the warmup's end as a vertical line.
/// </summary>
public static class SvgPlot
{
    private const int Width = 900;
    private const int Height = 420;
    private const int Left = 70;
    private const int Right = 70;
    private const int Top = 40;
    private const int Bottom = 50;

    public static string Render(IReadOnlyList<TimelinePoint> points, RunSummary run)
    {
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var maxT = Math.Max(1, points.Count == 0 ? run.DurationSeconds : points[^1].Seconds);
        var maxBots = NiceCeiling(Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.Connected)));
        var maxMs = NiceCeiling(Math.Max(1000.0 / run.TickRate * 2, points.Count == 0 ? 0 : points.Max(p => p.P99InterArrivalMs)));
        double X(double t) => Left + t / maxT * plotW;
        double YBots(double v) => Top + plotH - v / maxBots * plotH;
        double YMs(double v) => Top + plotH - v / maxMs * plotH;

        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(F($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(F($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">Tanks load test: {run.Bots} bots, seed {run.Seed}, {run.StartedUtc:yyyy-MM-dd HH:mm} UTC</text>\n"));
        for (var i = 0; i <= 5; i++)
        {
            var y = Top + plotH - i * plotH / 5.0;
            svg.Append(F($"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Left + plotW}\" y2=\"{y:F1}\" stroke=\"#ddd\"/>\n"));
            svg.Append(F($"<text x=\"{Left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\" fill=\"#1f77b4\">{maxBots * i / 5:0.#}</text>\n"));
            svg.Append(F($"<text x=\"{Left + plotW + 6}\" y=\"{y + 4:F1}\" fill=\"#d62728\">{maxMs * i / 5:0.#}</text>\n"));
            var t = maxT * i / 5;
            svg.Append(F($"<text x=\"{X(t):F1}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{t:0.#}</text>\n"));
        }

        svg.Append(F($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#333\"/>\n"));
        svg.Append(F($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">time (s)</text>\n"));
        svg.Append(F($"<text transform=\"translate(18,{Top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\" fill=\"#1f77b4\">bots (CCU)</text>\n"));
        svg.Append(F($"<text transform=\"translate({Width - 16},{Top + plotH / 2}) rotate(90)\" text-anchor=\"middle\" fill=\"#d62728\">p99 snapshot inter-arrival (ms)</text>\n"));
        var expected = YMs(1000.0 / run.TickRate);
        svg.Append(F($"<line x1=\"{Left}\" y1=\"{expected:F1}\" x2=\"{Left + plotW}\" y2=\"{expected:F1}\" stroke=\"#d62728\" stroke-dasharray=\"4 4\" opacity=\"0.5\"/>\n"));

        if (run.WarmupSeconds > 0)
        {
            var x = X(run.WarmupSeconds);
            svg.Append(F($"<line x1=\"{x:F1}\" y1=\"{Top}\" x2=\"{x:F1}\" y2=\"{Top + plotH}\" stroke=\"#777\" stroke-dasharray=\"2 3\" data-series=\"warmup end\"/>\n"));
            svg.Append(F($"<text x=\"{x + 4:F1}\" y=\"{Top + plotH - 6}\" fill=\"#777\">warmup end</text>\n"));
        }

        Line(svg, points, p => X(p.Seconds), p => YBots(p.Connected), "#1f77b4", "connected");
        Line(svg, points, p => X(p.Seconds), p => YBots(p.InBattle), "#2ca02c", "in battle");
        Line(svg, points, p => X(p.Seconds), p => YMs(p.P99InterArrivalMs), "#d62728", "p99 inter-arrival");

        var legend = new[] { ("connected bots", "#1f77b4"), ("bots in battle", "#2ca02c"), ("p99 snapshot inter-arrival (right)", "#d62728"), ("tick period (right)", "#d62728") };
        for (var i = 0; i < legend.Length; i++)
        {
            var (label, color) = legend[i];
            var y = Top + 14 + i * 16;
            var dash = i == 3 ? " stroke-dasharray=\"4 4\"" : "";
            svg.Append(F($"<line x1=\"{Left + 10}\" y1=\"{y - 4}\" x2=\"{Left + 34}\" y2=\"{y - 4}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>\n"));
            svg.Append(F($"<text x=\"{Left + 40}\" y=\"{y}\">{label}</text>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Line(StringBuilder svg, IReadOnlyList<TimelinePoint> points, Func<TimelinePoint, double> x, Func<TimelinePoint, double> y, string color, string name)
    {
        if (points.Count == 0)
        {
            return;
        }

        svg.Append(F($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" data-series=\"{name}\" points=\""));
        foreach (var p in points)
        {
            svg.Append(F($"{x(p):F1},{y(p):F1} "));
        }

        svg.Append("\"/>\n");
    }

    private static double NiceCeiling(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
