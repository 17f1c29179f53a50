using System.CommandLine;
using static Tanks.Measurement.ToolCommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Tanks.Grains.Accounts;
using Tanks.Measurement;

namespace Tanks.LoginBench;

/// <summary>The command line; exit 0 = done without errors, 2 = done but logins failed, 1 = usage or fatal error.</summary>
public static class BenchCommand
{
    public const int Done = 0;
    public const int Fatal = ToolCommandLine.Fatal;
    public const int Errors = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var defaults = new AccountOptions();
        var tcp = new Option<string>("--tcp") { Description = "Gateway.Tcp endpoint host:port", DefaultValueFactory = _ => "127.0.0.1:8888" };
        var accounts = new Option<int>("--accounts") { Description = "accounts to log in with (registered on the first run of a seed)", DefaultValueFactory = _ => 64 };
        var concurrency = new Option<int>("--concurrency") { Description = "closed-loop clients in the saturation phase (4 × cores)", DefaultValueFactory = _ => 4 * Environment.ProcessorCount };
        var seconds = new Option<double>("--seconds") { Description = "measured seconds per phase (after the warm-up)", DefaultValueFactory = _ => 15 };
        var warmup = new Option<double>("--warmup") { Description = "warm-up seconds before each phase's window", DefaultValueFactory = _ => 2 };
        var firstWarmup = new Option<double>("--initial-warmup") { Description = "unmeasured closed-loop seconds before the first repeat (JIT, caches)", DefaultValueFactory = _ => 5 };
        var repeats = new Option<int>("--repeats") { Description = "repeats; the summary is their median", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "account names lb<seed>_<index>", DefaultValueFactory = _ => 1 };
        var fraction = new Option<double>("--open-fraction") { Description = "open-loop rate as a fraction of the ceiling", DefaultValueFactory = _ => 0.8 };
        var openRate = new Option<double?>("--open-rate") { Description = "open-loop rate in logins/s (instead of --open-fraction of the ceiling)" };
        var inFlight = new Option<int>("--max-in-flight") { Description = "open-loop cap on logins in flight (Gateway.Tcp allows 32 connections per address)", DefaultValueFactory = _ => 30 };
        var memory = new Option<int>("--argon2-memory-kib") { Description = "Argon2id memory of the silo (Accounts:Argon2MemoryKiB)", DefaultValueFactory = _ => defaults.Argon2MemoryKiB };
        var iterations = new Option<int>("--argon2-iterations") { Description = "Argon2id passes of the silo (Accounts:Argon2Iterations)", DefaultValueFactory = _ => defaults.Argon2Iterations };
        var timeout = new Option<double>("--timeout") { Description = "seconds a login may take before it counts as a timeout", DefaultValueFactory = _ => 15 };
        var cpuPid = new Option<string[]>("--cpu-pid") { Description = "name=pid of a stack process whose CPU to report per phase (repeatable)" };
        var report = new Option<string?>("--report") { Description = "JSON report path" };
        var hashOnly = new Option<bool>("--hash-only") { Description = "only time the hash (--repeats times) and print the ceiling; no stack needed" };

        var root = new RootCommand(
            "Tanks login bench: login throughput against the Argon2id ceiling (cores ÷ one hash), and login latency at a fraction of it.")
        {
            tcp, accounts, concurrency, seconds, warmup, firstWarmup, repeats, seed, fraction, openRate, inFlight, memory, iterations, timeout, cpuPid, report, hashOnly,
        };

        var exit = Fatal;
        root.SetAction(async (parse, cancellationToken) => exit = await ToolCommandLine.RunAsync(
            () =>
            {
                var (host, port) = ToolCommandLine.ParseEndpoint(parse.GetValue(tcp)!);
                return new BenchOptions
                {
                    TcpHost = host,
                    TcpPort = port,
                    Accounts = InRange(parse.GetValue(accounts), 1, 100_000, "--accounts"),
                    Concurrency = InRange(parse.GetValue(concurrency), 1, 1024, "--concurrency"),
                    Seconds = InRange(parse.GetValue(seconds), 0.5, 3600, "--seconds"),
                    WarmupSeconds = InRange(parse.GetValue(warmup), 0, 600, "--warmup"),
                    InitialWarmupSeconds = InRange(parse.GetValue(firstWarmup), 0, 600, "--initial-warmup"),
                    Repeats = InRange(parse.GetValue(repeats), 1, 100, "--repeats"),
                    Seed = InRange(parse.GetValue(seed), 0, int.MaxValue, "--seed"),
                    OpenFraction = InRange(parse.GetValue(fraction), 0.01, 2, "--open-fraction"),
                    OpenRate = parse.GetValue(openRate) is { } rate ? InRange(rate, 0.1, 10_000, "--open-rate") : null,
                    MaxInFlight = InRange(parse.GetValue(inFlight), 1, 1024, "--max-in-flight"),
                    Argon2MemoryKiB = InRange(parse.GetValue(memory), 8 * 1024, 1024 * 1024, "--argon2-memory-kib"),
                    Argon2Iterations = InRange(parse.GetValue(iterations), 1, 10, "--argon2-iterations"),
                    RequestTimeout = TimeSpan.FromSeconds(InRange(parse.GetValue(timeout), 0.5, 120, "--timeout")),
                    ReportPath = parse.GetValue(report),
                    CpuPids = ToolCommandLine.ParsePids("--cpu-pid", parse.GetValue(cpuPid) ?? []),
                };
            },
            async options => parse.GetValue(hashOnly) ? HashOnly(options) : await RunBenchAsync(options, cancellationToken)));
        return await ToolCommandLine.InvokeAsync(root, args, () => exit);
    }

    private static async Task<int> RunBenchAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var cores = Environment.ProcessorCount;
        var accountOptions = new AccountOptions { Argon2MemoryKiB = options.Argon2MemoryKiB, Argon2Iterations = options.Argon2Iterations };
        Console.WriteLine(Inv($"login bench → {options.TcpHost}:{options.TcpPort}: {cores} cores, Argon2id m={options.Argon2MemoryKiB} KiB t={options.Argon2Iterations} p=1, ")
            + Inv($"{options.Accounts} accounts (seed {options.Seed}), {options.Concurrency} clients, {options.WarmupSeconds:0.#} s warm-up + {options.Seconds:0.#} s per phase, {options.Repeats} repeat(s)"));
        if (options.Concurrency > 32 || options.MaxInFlight > 32)
        {
            Console.WriteLine("note: Gateway.Tcp allows 32 connections per address by default (TcpGateway__MaxConnectionsPerAddress); beyond it logins fail with too_many_connections");
        }

        if (options.Accounts < options.Concurrency)
        {
            Console.WriteLine("note: fewer accounts than clients: clients share accounts, and one account's logins are answered one at a time");
        }

        var driver = new LoginDriver(options);
        if (await driver.PingAsync(cancellationToken) is { } unreachable)
        {
            await Console.Error.WriteLineAsync($"fatal: Gateway.Tcp at {options.TcpHost}:{options.TcpPort} does not answer: {unreachable}");
            return Fatal;
        }

        var prepared = await driver.PrepareAccountsAsync(cancellationToken);
        Console.WriteLine(Inv($"accounts: {prepared.Registered} registered, {prepared.LoggedIn} already there, in {prepared.Seconds:F1} s")
            + (prepared.Registered > 0 ? " (a new account costs two hashes: the login that finds no account, then the registration)" : ""));
        if (prepared.Failures.Count > 0)
        {
            await Console.Error.WriteLineAsync("fatal: accounts failed: " + string.Join(", ", prepared.Failures.Select(f => $"{f.Key} {f.Value}"))
                + (prepared.Failures.ContainsKey("auth_rate_limited")
                    ? " (the bench runs from one address: raise TcpGateway__AuthBurstPerAddress and TcpGateway__AuthRequestsPerMinutePerAddress)"
                    : ""));
            return Fatal;
        }

        if (options.InitialWarmupSeconds > 0)
        {
            var (warmOk, warmFailed) = await driver.WarmUpAsync(options.InitialWarmupSeconds, cancellationToken);
            Console.WriteLine(Inv($"warm-up: {warmOk} logins in {options.InitialWarmupSeconds:0.#} s, {warmFailed} failed (not measured)"));
        }

        var cpu = new CpuMeter(options.CpuPids);
        var runs = new List<RepeatResult>();
        for (var repeat = 1; repeat <= options.Repeats; repeat++)
        {
            // The hash is timed while the stack is idle: the ceiling is what this machine gives now. The stack's own
            // CPU meanwhile is its idle cost (timers, dashboard), to set apart from its cost per login.
            // After a phase the stack keeps working for a while (tier-1 JIT, GC): wait until it is quiet, bounded.
            var settled = await cpu.WaitForQuietAsync(QuietStackPercent, TimeSpan.FromSeconds(15), cancellationToken);
            if (!settled.Quiet)
            {
                Console.WriteLine(Inv($"note: the stack still used {settled.Percent:F0} % of a core after {settled.Waited.TotalSeconds:F0} s; timing the hash anyway"));
            }

            var idleStart = cpu.Take();
            var hash = HashTiming.Measure(accountOptions);
            var idle = CpuMeter.Between(idleStart, cpu.Take(), 0);
            var saturation = await driver.SaturateAsync(hash, cpu, cancellationToken);
            var open = await driver.OpenLoopAsync(options.OpenRate ?? hash.CeilingPerSecond * options.OpenFraction, cpu, cancellationToken);
            var run = new RepeatResult(repeat, hash, idle, saturation, open);
            runs.Add(run);
            Console.WriteLine(BenchReport.FormatRepeat(run));
        }

        var result = new BenchReport(
            "Tools/LoginBench",
            startedAt,
            new Dictionary<string, object>
            {
                ["tcp"] = $"{options.TcpHost}:{options.TcpPort}",
                ["accounts"] = options.Accounts,
                ["concurrency"] = options.Concurrency,
                ["seconds"] = options.Seconds,
                ["warmupSeconds"] = options.WarmupSeconds,
                ["initialWarmupSeconds"] = options.InitialWarmupSeconds,
                ["repeats"] = options.Repeats,
                ["seed"] = options.Seed,
                ["openFraction"] = options.OpenFraction,
                ["openRate"] = options.OpenRate is { } r ? r : "fraction of the ceiling",
                ["maxInFlight"] = options.MaxInFlight,
                ["timeoutSeconds"] = options.RequestTimeout.TotalSeconds,
            },
            new MachineInfo(cores, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, options.Argon2MemoryKiB, options.Argon2Iterations),
            prepared,
            runs,
            MedianResult.Of(runs),
            runs.Sum(r => r.ErrorCount));
        Console.WriteLine(result.FormatSummary());
        if (options.ReportPath is { } path)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            await File.WriteAllTextAsync(path, result.ToJson(), cancellationToken);
            Console.WriteLine($"report: {path}");
        }

        return result.ErrorCount == 0 ? Done : Errors;
    }

    /// <summary>The stack processes (not this one) together below this (% of one core) count as idle.</summary>
    private const double QuietStackPercent = 10;

    private static int HashOnly(BenchOptions options)
    {
        var accountOptions = new AccountOptions { Argon2MemoryKiB = options.Argon2MemoryKiB, Argon2Iterations = options.Argon2Iterations };
        var results = new List<HashResult>();
        for (var repeat = 1; repeat <= options.Repeats; repeat++)
        {
            var hash = HashTiming.Measure(accountOptions);
            results.Add(hash);
            Console.WriteLine(Inv($"hash {hash.MedianMs:F2} ms (min {hash.MinMs:F2}, max {hash.MaxMs:F2}, CPU {hash.CpuMs:F2} ms, {hash.MinorFaultsPerHash:F0} faults) → ceiling {hash.CeilingPerSecond:F1}/s; ")
                + Inv($"{Environment.ProcessorCount} threads hashing at once: {hash.ParallelPerSecond:F1}/s"));
        }

        Console.WriteLine(Inv($"median: hash {Percentile.Median(results.Select(r => r.MedianMs)):F2} ms, ceiling {Percentile.Median(results.Select(r => r.CeilingPerSecond)):F1}/s, ")
            + Inv($"parallel {Percentile.Median(results.Select(r => r.ParallelPerSecond)):F1}/s"));
        return Done;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
