using System.Diagnostics;
using System.Globalization;

namespace Tanks.Measurement;

/// <summary>
/// CPU used over a phase, in % of one core (as <c>top</c> shows it, so 2 cores = 200 %): this process ("bench"), the
/// watched processes (by pid: the stack's), and the whole machine from <c>/proc/stat</c> (steal counted as busy), whose
/// remainder is what other users of the machine took. Per operation (a login): each process's CPU milliseconds and
/// minor page faults. Readings come from <see cref="ProcCpu"/> (Linux); elsewhere only this process's CPU is known.
/// </summary>
public sealed class CpuMeter(IReadOnlyList<(string Name, int Pid)> watched)
{
    /// <summary>The name this process's own CPU is reported under.</summary>
    public const string Self = "bench";

    public Snapshot Take()
    {
        var processes = new Dictionary<string, ProcessSample?> { [Self] = ReadSelf() };
        foreach (var (name, pid) in watched)
        {
            processes[name] = Read(pid.ToString(CultureInfo.InvariantCulture));
        }

        return new Snapshot(Stopwatch.GetTimestamp(), processes, ProcCpu.MachineTicks() is { } m ? m.Busy + m.Steal : null);
    }

    /// <summary>
    /// Waits until the <c>--cpu-pid</c> processes together use less than <paramref name="percent"/> % of a core over half a
    /// second, at most <paramref name="limit"/>; at once when none are watched.
    /// </summary>
    public async Task<(bool Quiet, double Percent, TimeSpan Waited)> WaitForQuietAsync(double percent, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var used = 0.0;
        while (watched.Count > 0)
        {
            var before = Take();
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            used = Between(before, Take(), 0).Processes.Where(p => p.Key != Self).Sum(p => p.Value.CpuPercent);
            if (used < percent)
            {
                break;
            }

            if (Stopwatch.GetElapsedTime(started) >= limit)
            {
                return (false, used, Stopwatch.GetElapsedTime(started));
            }
        }

        return (true, used, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Usage between two snapshots; <paramref name="logins"/> (answered ok in between) gives the per-login figures.</summary>
    public static CpuUsage Between(Snapshot start, Snapshot end, int logins)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        var processes = new SortedDictionary<string, ProcessUsage>(StringComparer.Ordinal);
        foreach (var (name, before) in start.Processes)
        {
            if (before is { } b && end.Processes.TryGetValue(name, out var after) && after is { } a && seconds > 0)
            {
                var cpu = (a.CpuSeconds - b.CpuSeconds);
                long? faults = a.MinorFaults is { } fa && b.MinorFaults is { } fb ? fa - fb : null;
                processes[name] = new ProcessUsage(
                    Round(cpu / seconds * 100, 1),
                    logins > 0 ? Round(cpu * 1000 / logins, 2) : null,
                    logins > 0 && faults is { } f ? Round(f / (double)logins, 0) : null);
            }
        }

        double? machine = null;
        if (start.MachineBusyTicks is { } s && end.MachineBusyTicks is { } e && seconds > 0)
        {
            machine = Round((e - s) / ProcCpu.ClockTicks / seconds * 100, 1);
        }

        double? others = machine is { } m ? Round(Math.Max(0, m - processes.Values.Sum(p => p.CpuPercent)), 1) : null;
        return new CpuUsage(processes, machine, others);
    }

    private static ProcessSample ReadSelf()
        => Read("self") ?? new ProcessSample(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, null);

    private static ProcessSample? Read(string pid) => ProcCpu.TryReadStat(pid) is { } s ? new ProcessSample(s.CpuSeconds, s.MinorFaults) : null;

    private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    public sealed record ProcessSample(double CpuSeconds, long? MinorFaults);

    public sealed record Snapshot(long Timestamp, IReadOnlyDictionary<string, ProcessSample?> Processes, long? MachineBusyTicks);
}

/// <param name="CpuPercent">% of one core over the phase's window.</param>
/// <param name="CpuMsPerLogin">CPU milliseconds per login answered ok in the window.</param>
/// <param name="MinorFaultsPerLogin">Minor page faults per login answered ok in the window.</param>
public sealed record ProcessUsage(double CpuPercent, double? CpuMsPerLogin, double? MinorFaultsPerLogin);

/// <summary>CPU over a phase's window in % of one core: per process, the whole machine, and the rest (other users of the machine).</summary>
public sealed record CpuUsage(IReadOnlyDictionary<string, ProcessUsage> Processes, double? MachinePercent, double? OthersPercent);
