using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tanks.Measurement;

namespace Tanks.LoginBench;

public sealed record AccountsResult(int Accounts, int Registered, int LoggedIn, double Seconds, SortedDictionary<string, int> Failures);

/// <param name="PerSecond">Logins answered ok inside the measured window ÷ its length.</param>
/// <param name="PercentOfCeiling">Of cores ÷ one hash's time, measured in the same repeat.</param>
/// <param name="PercentOfParallel">Of the in-process rate with one hashing thread per core.</param>
/// <param name="StackCpuMsPerLogin">CPU ms per login of this process and the <c>--cpu-pid</c> processes together (null without them).</param>
/// <param name="HashSharePercent">
/// One hash's CPU time ÷ <paramref name="StackCpuMsPerLogin"/>: the share of the stack's CPU that goes into the hash. On a machine
/// nobody else uses, the most logins/s the stack can give is this share of the ceiling; unlike the rate it hardly moves when
/// other processes take CPU, so it is the figure to compare across noisy runs.
/// </param>
public sealed record SaturationResult(
    int Concurrency,
    double Seconds,
    int Ok,
    double PerSecond,
    double PercentOfCeiling,
    double PercentOfParallel,
    LatencySummary Latency,
    SortedDictionary<string, int> Errors,
    CpuUsage Cpu,
    double? StackCpuMsPerLogin,
    double? HashSharePercent);

/// <param name="Scheduled">Logins due inside the measured window.</param>
/// <param name="AchievedPerSecond">Logins answered ok inside the measured window ÷ its length.</param>
/// <param name="Latency">From the scheduled start to the answer: queueing counts.</param>
/// <param name="Service">From the actual start (connect) to the answer.</param>
/// <param name="DispatchLagP99Ms">p99 of actual start − scheduled start for the logins the cap did not hold back: this process's own lateness.</param>
/// <param name="DelayedByCap">Logins of the window the in-flight cap held back: they waited for a free slot, or fell due while the dispatcher waited for one.</param>
public sealed record OpenLoopResult(
    double TargetPerSecond,
    double? Fraction,
    int MaxInFlight,
    int Scheduled,
    int Ok,
    double AchievedPerSecond,
    LatencySummary Latency,
    LatencySummary Service,
    double DispatchLagP99Ms,
    int DelayedByCap,
    int PeakInFlight,
    SortedDictionary<string, int> Errors,
    CpuUsage Cpu);

/// <param name="Idle">The stack's CPU while the hash was timed (nothing logging in): its idle cost.</param>
public sealed record RepeatResult(int Repeat, HashResult Hash, CpuUsage Idle, SaturationResult Saturation, OpenLoopResult OpenLoop)
{
    public int ErrorCount => Saturation.Errors.Values.Sum() + OpenLoop.Errors.Values.Sum();
}

/// <summary>Each figure the median over the repeats (of the per-repeat figure: the % is the median of the repeats' %).</summary>
public sealed record MedianResult(
    int Repeats,
    double HashMs,
    double CeilingPerSecond,
    double ParallelPerSecond,
    double SustainedPerSecond,
    double PercentOfCeiling,
    double PercentOfParallel,
    double? HashSharePercent,
    double? OthersCpuPercent,
    double SaturationP50Ms,
    double SaturationP99Ms,
    double OpenTargetPerSecond,
    double OpenAchievedPerSecond,
    double OpenP50Ms,
    double OpenP95Ms,
    double OpenP99Ms,
    double OpenDelayedByCap)
{
    public static MedianResult Of(IReadOnlyList<RepeatResult> repeats)
    {
        double M(Func<RepeatResult, double> figure) => BenchMath.Round(Percentile.Median(repeats.Select(figure)));
        return new MedianResult(
            repeats.Count,
            M(r => r.Hash.MedianMs),
            M(r => r.Hash.CeilingPerSecond),
            M(r => r.Hash.ParallelPerSecond),
            M(r => r.Saturation.PerSecond),
            M(r => r.Saturation.PercentOfCeiling),
            M(r => r.Saturation.PercentOfParallel),
            repeats.All(r => r.Saturation.HashSharePercent is not null) ? M(r => r.Saturation.HashSharePercent!.Value) : null,
            repeats.All(r => r.Saturation.Cpu.OthersPercent is not null) ? M(r => r.Saturation.Cpu.OthersPercent!.Value) : null,
            M(r => r.Saturation.Latency.P50Ms),
            M(r => r.Saturation.Latency.P99Ms),
            M(r => r.OpenLoop.TargetPerSecond),
            M(r => r.OpenLoop.AchievedPerSecond),
            M(r => r.OpenLoop.Latency.P50Ms),
            M(r => r.OpenLoop.Latency.P95Ms),
            M(r => r.OpenLoop.Latency.P99Ms),
            M(r => r.OpenLoop.DelayedByCap));
    }
}

public sealed record MachineInfo(int Cores, string Os, string Runtime, int Argon2MemoryKiB, int Argon2Iterations);

public sealed record BenchReport(
    string Tool,
    DateTimeOffset StartedAt,
    IReadOnlyDictionary<string, object> Options,
    MachineInfo Machine,
    AccountsResult Accounts,
    IReadOnlyList<RepeatResult> Runs,
    MedianResult Median,
    int ErrorCount)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static string FormatRepeat(RepeatResult r)
    {
        var s = r.Saturation;
        var o = r.OpenLoop;
        var text = new StringBuilder();
        text.Append(Inv($"repeat {r.Repeat}: hash {r.Hash.MedianMs:F2} ms (min {r.Hash.MinMs:F2}, max {r.Hash.MaxMs:F2}, CPU {r.Hash.CpuMs:F2} ms, {r.Hash.MinorFaultsPerHash:F0} faults) → ceiling {r.Hash.CeilingPerSecond:F1}/s; "));
        text.AppendLine(Inv($"{Environment.ProcessorCount} threads hashing at once: {r.Hash.ParallelPerSecond:F1}/s; idle CPU {FormatIdle(r.Idle)}"));
        text.Append(Inv($"  saturation, {s.Concurrency} clients: {s.PerSecond:F1}/s = {s.PercentOfCeiling:F1} % of the ceiling ({s.PercentOfParallel:F1} % of the parallel rate), "));
        text.Append(Inv($"latency p50 {s.Latency.P50Ms:F1} / p99 {s.Latency.P99Ms:F1} ms, errors {FormatErrors(s.Errors)}, CPU {FormatCpu(s.Cpu)}"));
        if (s.HashSharePercent is { } share)
        {
            text.Append(Inv($"; stack CPU {s.StackCpuMsPerLogin:F1} ms/login, of which the hash {share:F1} %"));
        }

        text.AppendLine(Noisy(s.Cpu));
        text.Append(Inv($"  open loop at {o.TargetPerSecond:F1}/s ({(o.Fraction is { } f ? Inv($"{f * 100:F0} % of the ceiling") : "fixed rate")}): achieved {o.AchievedPerSecond:F1}/s, "));
        text.Append(Inv($"latency from schedule p50 {o.Latency.P50Ms:F1} / p95 {o.Latency.P95Ms:F1} / p99 {o.Latency.P99Ms:F1} ms (service p99 {o.Service.P99Ms:F1}, dispatch lag p99 {o.DispatchLagP99Ms:F1}), "));
        text.Append(Inv($"held by the cap of {o.MaxInFlight}: {o.DelayedByCap} of {o.Scheduled} (peak in flight {o.PeakInFlight}), errors {FormatErrors(o.Errors)}, CPU {FormatCpu(o.Cpu)}"));
        text.Append(Noisy(o.Cpu));
        return text.ToString();
    }

    private double? Fraction => Runs.Count > 0 ? Runs[0].OpenLoop.Fraction : null;

    public string FormatSummary()
    {
        var m = Median;
        var rows = new List<(string, string)>
        {
            ("one Argon2id hash (ms)", Inv($"{m.HashMs:F2}")),
            ($"ceiling = {Machine.Cores} cores ÷ hash (/s)", Inv($"{m.CeilingPerSecond:F1}")),
            ($"{Machine.Cores} threads hashing at once (/s)", Inv($"{m.ParallelPerSecond:F1}")),
            ("sustained logins (/s)", Inv($"{m.SustainedPerSecond:F1}")),
            ("% of the ceiling", Inv($"{m.PercentOfCeiling:F1} %")),
            ("% of the parallel hash rate", Inv($"{m.PercentOfParallel:F1} %")),
            ("hash share of the stack's CPU", m.HashSharePercent is { } share ? Inv($"{share:F1} %") : "-"),
            ("other processes' CPU (saturation)", m.OthersCpuPercent is { } others ? Inv($"{others:F0} % of a core") + (others > NoisyOthersPercent ? "  NOISY" : "") : "-"),
            ("saturation latency p50 / p99 (ms)", Inv($"{m.SaturationP50Ms:F1} / {m.SaturationP99Ms:F1}")),
            ("open loop: target / achieved (/s)", Inv($"{m.OpenTargetPerSecond:F1} / {m.OpenAchievedPerSecond:F1}")),
            (Fraction is { } f ? Inv($"p50 / p95 / p99 at {f * 100:F0} % (ms)") : "p50 / p95 / p99 open loop (ms)", Inv($"{m.OpenP50Ms:F1} / {m.OpenP95Ms:F1} / {m.OpenP99Ms:F1}")),
            ("held by the in-flight cap", Inv($"{m.OpenDelayedByCap:F0}")),
            ("errors (all runs)", ErrorCount.ToString(CultureInfo.InvariantCulture)),
        };
        var width = rows.Max(r => r.Item1.Length);
        var text = new StringBuilder();
        text.AppendLine(Inv($"median of {m.Repeats} run(s):"));
        foreach (var (name, value) in rows)
        {
            text.AppendLine($"  {name.PadRight(width)}  {value}");
        }

        return text.ToString().TrimEnd();
    }

    private static string FormatErrors(IReadOnlyDictionary<string, int> errors)
        => errors.Count == 0 ? "0" : string.Join(", ", errors.Select(e => $"{e.Key} {e.Value}"));

    /// <summary>Other processes taking more than this (% of one core) during a phase make its rate and latency unreliable.</summary>
    public const double NoisyOthersPercent = 20;

    private static string Noisy(CpuUsage cpu)
        => cpu.OthersPercent is { } others && others > NoisyOthersPercent
            ? Inv($"  [NOISY: other processes took {others:F0} % of a core]")
            : "";

    private static string FormatIdle(CpuUsage cpu)
        => string.Join(" ", cpu.Processes.Where(p => p.Key != "bench").Select(p => Inv($"{p.Key} {p.Value.CpuPercent:F1}%")));

    private static string FormatCpu(CpuUsage cpu)
    {
        var parts = cpu.Processes.Select(p => Inv($"{p.Key} {p.Value.CpuPercent:F0}% ({p.Value.CpuMsPerLogin:F1} ms, {p.Value.MinorFaultsPerLogin:F0} faults/login)")).ToList();
        if (cpu.MachinePercent is { } machine)
        {
            parts.Add(Inv($"machine {machine:F0}% (others {cpu.OthersPercent:F0}%)"));
        }

        return string.Join(" ", parts);
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
