using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Tanks.Measurement;
using static Tanks.Measurement.ToolCommandLine;

namespace Tanks.MatchBench;

/// <summary>The command line; exit 0 = every population measured, 1 = usage or fatal error.</summary>
public static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var defaults = new BenchOptions { Populations = [], RedisServer = "" };
        var players = new Option<string>("--players") { Description = "populations to measure, comma-separated (players queued or in battle)", DefaultValueFactory = _ => "1000,10000,100000" };
        var api = new Option<string>("--api") { Description = "matchmaking design: " + string.Join(", ", MatchApis.All.Select(a => a.Name)), DefaultValueFactory = _ => defaults.Api };
        var silos = new Option<int>("--silos") { Description = "silos in the in-process cluster", DefaultValueFactory = _ => defaults.Silos };
        var shards = new Option<int>("--shards") { Description = "queue shards (Matchmaking:Shards)", DefaultValueFactory = _ => defaults.Shards };
        var concurrency = new Option<int>("--concurrency") { Description = "joins outstanding at once (closed loop)", DefaultValueFactory = _ => defaults.Concurrency };
        var joins = new Option<int>("--joins") { Description = "the window ends after this many joins...", DefaultValueFactory = _ => defaults.Joins };
        var seconds = new Option<double>("--seconds") { Description = "...or after this many seconds", DefaultValueFactory = _ => defaults.Seconds };
        var warmupJoins = new Option<int>("--warmup-joins") { Description = "unmeasured churn before the window: joins...", DefaultValueFactory = _ => defaults.WarmupJoins };
        var warmupSeconds = new Option<double>("--warmup-seconds") { Description = "...or seconds", DefaultValueFactory = _ => defaults.WarmupSeconds };
        var populateSeconds = new Option<double>("--populate-seconds") { Description = "time allowed to join the population one by one", DefaultValueFactory = _ => defaults.PopulateSeconds };
        var byJoins = new Option<bool>("--populate-by-joins") { Description = "join every player to bring the population up, even where it can be seeded" };
        var leavePercent = new Option<double>("--leave-percent") { Description = "% of joins followed at once by a leave (the player joins again later)", DefaultValueFactory = _ => 0 };
        var redis = new Option<string?>("--redis-server") { Description = "redis-server to start (default: from PATH, /usr/sbin, /usr/bin)" };
        var json = new Option<bool>("--json") { Description = "print the rows as one JSON object on the last line" };
        var root = new RootCommand("Tanks matchmaking bench: joins/s, battles/s, bytes written per join and join latency at each population, on an in-process cluster with real Redis storage.")
        {
            players, api, silos, shards, concurrency, joins, seconds, warmupJoins, warmupSeconds, populateSeconds, byJoins, leavePercent, redis, json,
        };

        var exit = ToolCommandLine.Fatal;
        MatchApis.Api? design = null;
        root.SetAction(async (parse, cancellationToken) => exit = await ToolCommandLine.RunAsync(
            () =>
            {
                design = MatchApis.Find(parse.GetValue(api)!) ?? throw new ArgumentException($"--api must be one of {string.Join(", ", MatchApis.All.Select(a => a.Name))}");
                return new BenchOptions
                {
                    Populations = ParsePopulations(parse.GetValue(players)!),
                    Api = design.Name,
                    Silos = InRange(parse.GetValue(silos), 1, 8, "--silos"),
                    Shards = InRange(parse.GetValue(shards), 1, 4096, "--shards"),
                    Concurrency = InRange(parse.GetValue(concurrency), 1, 4096, "--concurrency"),
                    Joins = InRange(parse.GetValue(joins), 1, 1_000_000, "--joins"),
                    Seconds = InRange(parse.GetValue(seconds), 0.5, 600, "--seconds"),
                    WarmupJoins = InRange(parse.GetValue(warmupJoins), 0, 1_000_000, "--warmup-joins"),
                    WarmupSeconds = InRange(parse.GetValue(warmupSeconds), 0, 600, "--warmup-seconds"),
                    PopulateSeconds = InRange(parse.GetValue(populateSeconds), 1, 3600, "--populate-seconds"),
                    PopulateByJoins = parse.GetValue(byJoins),
                    LeaveFraction = InRange(parse.GetValue(leavePercent), 0, 100, "--leave-percent") / 100,
                    RedisServer = RedisProcess.Find(parse.GetValue(redis))
                        ?? throw new ArgumentException("redis-server not found (apt-get install -y redis-server, or --redis-server PATH)"),
                    Json = parse.GetValue(json),
                };
            },
            options => RunAllAsync(options, design!, cancellationToken)));
        return await ToolCommandLine.InvokeAsync(root, args, () => exit);
    }

    private static async Task<int> RunAllAsync(BenchOptions options, MatchApis.Api design, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var machine = new
        {
            cores = Environment.ProcessorCount,
            os = RuntimeInformation.OSDescription,
            runtime = RuntimeInformation.FrameworkDescription,
            loadAtStart = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "",
        };
        Console.WriteLine(Inv($"match bench, {design.Name}: {options.Silos} silo(s) in process, {options.Shards} queue shard(s), Redis storage ({options.RedisServer}), {options.Concurrency} joins outstanding, ")
            + Inv($"window {options.Joins} joins or {options.Seconds:0.#} s after {options.WarmupJoins} joins or {options.WarmupSeconds:0.#} s of warm-up; ")
            + Inv($"{machine.cores} cores, load {machine.loadAtStart}"));
        var rows = new List<BenchRow>();
        foreach (var players in options.Populations)
        {
            var run = new PopulationRun(options, design, players, line => Console.WriteLine("  " + line));
            rows.Add(await run.RunAsync(cancellationToken));
        }

        Console.WriteLine();
        Console.WriteLine(BenchReport.Table(rows));
        Console.WriteLine(Inv($"B written/join: redis-server total_net_input_bytes over the window ÷ joins; writes/join: its evalsha calls ÷ joins; B/write: the bytes ÷ those calls; alone ms: one join with nothing else outstanding. {clock.Elapsed.TotalSeconds:F0} s in all."));
        if (options.Json)
        {
            Console.WriteLine(BenchReport.ToJson(rows, new { machine.cores, machine.os, machine.runtime, machine.loadAtStart, totalSeconds = Math.Round(clock.Elapsed.TotalSeconds) }));
        }

        return 0;
    }

    public static IReadOnlyList<int> ParsePopulations(string value)
    {
        var list = new List<int>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 2 or > 2_000_000)
            {
                throw new ArgumentException($"--players: '{part}' is not a population of 2 to 2,000,000");
            }

            list.Add(n);
        }

        return list.Count > 0 ? list : throw new ArgumentException("--players: give at least one population");
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
