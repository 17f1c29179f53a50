using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Tanks.LoadTest;

/// <summary>
/// <c>curve --out DIR/curve.png REPORT.json...</c>: the medians per bot count of several runs as a table,
/// <c>DIR/curve.json</c> and the plot; exit 1 when a report cannot be read.
/// </summary>
public static class CurveCommand
{
    /// <summary>The subcommand; <paramref name="exited"/> gets its exit code.</summary>
    public static Command Create(Action<int> exited)
    {
        var output = new Option<string>("--out") { Description = "plot path, .png or .svg; curve.json is written beside it", DefaultValueFactory = _ => "curve.png" };
        var reports = new Argument<string[]>("reports") { Description = "JSON reports of load runs", Arity = ArgumentArity.OneOrMore };
        var command = new Command("curve", "CCU curve from several reports: medians per bot count, the limits p99 inter-arrival < 100 ms and loss < 0.1 %")
        {
            output, reports,
        };
        command.SetAction(parse =>
        {
            var code = Run(parse.GetValue(output)!, parse.GetValue(reports)!);
            exited(code);
            return code;
        });
        return command;
    }

    public static int Run(string output, IReadOnlyList<string> paths)
    {
        if (Path.GetExtension(output).ToLowerInvariant() is not (".png" or ".svg"))
        {
            Console.Error.WriteLine($"error: --out '{output}' must end in .png or .svg");
            return LoadCommand.Fatal;
        }

        List<CurveRun> runs;
        try
        {
            runs = paths.Select(Curve.Read).ToList();
        }
        catch (InvalidDataException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return LoadCommand.Fatal;
        }

        var points = Curve.Group(runs);
        var within = Curve.WithinLimitsUpTo(points);
        Print(points, within);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        var json = Path.ChangeExtension(output, ".json");
        var report = new CurveReport(Curve.LimitP99InterArrivalMs, Curve.LimitLossPercent, within, points, paths.ToList());
        File.WriteAllText(json, JsonSerializer.Serialize(report, LoadResult.Json));
        CurvePlot.Write(output, points, within);
        Console.WriteLine($"curve: {json}");
        Console.WriteLine($"plot: {output}");
        return LoadCommand.Passed;
    }

    private static void Print(IReadOnlyList<CurvePoint> points, int? within)
    {
        var processes = points.SelectMany(p => p.Cores.Keys).Distinct(StringComparer.Ordinal).ToList();
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160); // a log keeps the table's rows whole
        }

        var table = new Table().Title("Tanks CCU curve (medians)");
        foreach (var column in new[] { "bots", "runs", "p99 gap ms", "loss %", "kbit/s down" }
            .Concat(processes.Select(p => $"cores {p}"))
            .Concat(["µs/packet gateway-udp", "µs/battle-tick silo"]))
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        foreach (var p in points)
        {
            var cells = new[] { F($"{p.Bots}"), F($"{p.Runs}"), F($"{p.P99InterArrivalMs:0.#}"), F($"{p.LossPercent:0.###}"), F($"{p.KbitDownPerClient:0.#}") }
                .Concat(processes.Select(name => p.Cores.TryGetValue(name, out var cores) ? F($"{cores:0.###}") : "-"))
                .Concat([F($"{p.GatewayUdpMicrosPerPacket:0.#}"), F($"{p.SiloMicrosPerBattleTick:0.#}")])
                .Select(cell => cell.Length == 0 ? "-" : cell)
                .Select(cell => p.WithinLimits ? Markup.Escape(cell) : $"[red]{Markup.Escape(cell)}[/]");
            table.AddRow(cells.ToArray());
        }

        table.Caption(within is { } bots
            ? F($"within p99 < {Curve.LimitP99InterArrivalMs} ms and loss < {Curve.LimitLossPercent} % up to {bots} bots (red: a limit broken)")
            : "the first step already breaks a limit (red)");
        AnsiConsole.Write(table);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
