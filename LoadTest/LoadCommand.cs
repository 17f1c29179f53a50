using System.CommandLine;
using System.Globalization;
using Tanks.Measurement;
using static Tanks.Measurement.ToolCommandLine;

namespace Tanks.LoadTest;

/// <summary>
/// The command line: parses the options, runs the swarm, writes the report; exit 0 = thresholds held, 2 = one broke,
/// 1 = error. The <c>curve</c> and <c>compare</c> subcommands (<see cref="CurveCommand"/>, <see cref="CompareCommand"/>) combine
/// reports instead.
/// </summary>
public static class LoadCommand
{
    public const int Passed = 0;
    public const int Fatal = ToolCommandLine.Fatal;
    public const int ThresholdBroken = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var tcp = new Option<string>("--tcp") { Description = "Gateway.Tcp endpoint host:port", DefaultValueFactory = _ => "127.0.0.1:8888" };
        var bots = new Option<int>("--bots") { Description = "number of bots", DefaultValueFactory = _ => 14 };
        var ramp = new Option<double>("--ramp") { Description = "bots started per second", DefaultValueFactory = _ => 50 };
        var duration = new Option<double>("--duration") { Description = "run length in seconds (ramp included)", DefaultValueFactory = _ => 30 };
        var warmup = new Option<double>("--warmup")
        {
            Description = "seconds before the measured window opens (snapshots, fire-to-shot, traffic and CPU count from then on)",
            DefaultValueFactory = _ => 0,
        };
        var metrics = new Option<string[]>("--metrics")
        {
            Description = "NAME=URL of a process's Prometheus /metrics whose CPU the report shows (repeatable; names gateway-udp and silo get per-packet and per-battle-tick costs)",
        };
        var tickRate = new Option<int>("--tick-rate") { Description = "expected server tick rate (Hz): inputs per second and the inter-arrival reference", DefaultValueFactory = _ => 20 };
        var seed = new Option<int>("--seed") { Description = "seed of the bot names and their driving", DefaultValueFactory = _ => 1 };
        var tankClass = new Option<string>("--class") { Description = "light, medium, heavy or mixed", DefaultValueFactory = _ => "mixed" };
        var threads = new Option<int>("--threads") { Description = "driver threads", DefaultValueFactory = _ => Math.Clamp(Environment.ProcessorCount, 1, 4) };
        var report = new Option<string?>("--report") { Description = "JSON report path (default: load/loadtest-<UTC time>.json; the plot beside it)" };
        var plot = new Option<string?>("--plot") { Description = "plot path, .png or .svg (default: the report's path with .png)" };
        var quiet = new Option<bool>("--quiet") { Description = "no live line per second" };
        var maxLoss = new Option<double?>("--max-loss-percent") { Description = "threshold: snapshot loss %" };
        var maxInterArrival = new Option<double?>("--max-p99-interarrival-ms") { Description = "threshold: p99 snapshot inter-arrival (ms)" };
        var maxLogin = new Option<double?>("--max-login-p99-ms") { Description = "threshold: p99 login latency (ms)" };
        var maxErrors = new Option<long?>("--max-errors") { Description = "threshold: errors of any kind" };
        var maxTrouble = new Option<string[]>("--max-trouble")
        {
            Description = "threshold KIND=N (repeatable; N or off): " + string.Join(", ", TroubleLimits.Keys)
                + "; defaults " + string.Join(", ", TroubleLimits.Defaults.Select(d => $"{d.Key}={d.Value.ToString(CultureInfo.InvariantCulture)}")),
        };
        var gapThreshold = new Option<double>("--gap-threshold")
        {
            Description = "seconds without a snapshot in battle that count as a snapshot_gap", DefaultValueFactory = _ => 1,
        };
        var battleTimeout = new Option<double>("--battle-timeout")
        {
            Description = "seconds a battle may last before a snapshot tells its time left (then: time left + --battle-margin); past it: battle_stuck",
            DefaultValueFactory = _ => 7 * 60 + 60,
        };
        var battleMargin = new Option<double>("--battle-margin")
        {
            Description = "seconds past the time left a snapshot showed before a battle without BattleEnd is battle_stuck", DefaultValueFactory = _ => 60,
        };
        var rejoinTimeout = new Option<double>("--rejoin-timeout")
        {
            Description = "seconds a bot that lost its connection has to get back in play before it counts as rejoin_failed", DefaultValueFactory = _ => 30,
        };

        var root = new RootCommand("Tanks load test: bots log in over TCP, play 7v7 battles over UDP, and the run is measured.")
        {
            tcp, bots, ramp, duration, warmup, metrics, tickRate, seed, tankClass, threads, report, plot, quiet, maxLoss, maxInterArrival, maxLogin, maxErrors,
            maxTrouble, gapThreshold, battleTimeout, battleMargin, rejoinTimeout,
        };

        var exit = Fatal;
        root.Subcommands.Add(CurveCommand.Create(code => exit = code));
        root.Subcommands.Add(CompareCommand.Create(code => exit = code));
        root.SetAction(async (parse, cancellationToken) => exit = await ToolCommandLine.RunAsync(
            () =>
            {
                var (host, port) = ToolCommandLine.ParseEndpoint(parse.GetValue(tcp)!);
                var reportPath = parse.GetValue(report)
                    ?? Path.Combine("load", $"loadtest-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.json");
                var durationSeconds = Positive(parse.GetValue(duration), "--duration");
                return new LoadOptions
                {
                    TcpHost = host,
                    TcpPort = port,
                    Bots = Positive(parse.GetValue(bots), "--bots"),
                    Ramp = Positive(parse.GetValue(ramp), "--ramp"),
                    DurationSeconds = durationSeconds,
                    WarmupSeconds = Warmup(parse.GetValue(warmup), durationSeconds),
                    TickRate = Positive(parse.GetValue(tickRate), "--tick-rate"),
                    Seed = parse.GetValue(seed),
                    TankClass = BotBrain.ValidateClass(parse.GetValue(tankClass)!),
                    Threads = Positive(parse.GetValue(threads), "--threads"),
                    ReportPath = reportPath,
                    PlotPath = parse.GetValue(plot) ?? Path.ChangeExtension(reportPath, ".png"),
                    Quiet = parse.GetValue(quiet),
                    Metrics = Targets(parse.GetValue(metrics) ?? []),
                    MaxLossPercent = parse.GetValue(maxLoss),
                    MaxP99InterArrivalMs = parse.GetValue(maxInterArrival),
                    MaxLoginP99Ms = parse.GetValue(maxLogin),
                    MaxErrors = parse.GetValue(maxErrors),
                    MaxTrouble = TroubleLimits.Parse(parse.GetValue(maxTrouble) ?? []),
                    Trouble = new TroubleSettings
                    {
                        GapThresholdSeconds = Positive(parse.GetValue(gapThreshold), "--gap-threshold"),
                        BattleTimeoutSeconds = Positive(parse.GetValue(battleTimeout), "--battle-timeout"),
                        BattleMarginSeconds = Positive(parse.GetValue(battleMargin), "--battle-margin"),
                        RejoinTimeoutSeconds = Positive(parse.GetValue(rejoinTimeout), "--rejoin-timeout"),
                    },
                };
            },
            async options =>
            {
                var result = await new LoadDriver(options).RunAsync(cancellationToken);
                result.Print();
                result.Write(options);
                return ExitCodeOf(result);
            }));
        return await ToolCommandLine.InvokeAsync(root, args, () => exit);
    }

    /// <summary>The verdict: <see cref="Passed"/> if every threshold held (trouble limits included), else <see cref="ThresholdBroken"/>.</summary>
    public static int ExitCodeOf(LoadResult result) => result.Breaches.Count == 0 ? Passed : ThresholdBroken;

    private static double Warmup(double value, double duration) => value >= 0 && value < duration
        ? value
        : throw new ArgumentException($"--warmup must be at least 0 and less than --duration ({duration} s)");

    private static IReadOnlyList<MetricsTarget> Targets(string[] values)
    {
        var targets = values.Select(MetricsTarget.Parse).ToList();
        var twice = targets.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? targets : throw new ArgumentException($"--metrics names '{twice.Key}' twice");
    }
}
