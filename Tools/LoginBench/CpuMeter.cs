using System.Diagnostics;
using System.Globalization;

namespace Tanks.LoginBench;

/// <summary>
/// CPU used over a phase, in % of one core (as <c>top</c> shows it, so 2 cores = 200 %): this process ("bench"), the
/// processes named with <c>--cpu-pid</c> (the stack's), and the whole machine from <c>/proc/stat</c>, whose remainder is
/// what other users of the machine took. Per login: each process's CPU milliseconds and minor page faults.
/// CPU time and faults come from <c>/proc/&lt;pid&gt;/stat</c> (Linux); elsewhere only this process's CPU is known.
/// </summary>
public sealed class CpuMeter(IReadOnlyList<(string Name, int Pid)> watched)
{
    private const int ClockTicksPerSecond = 100; // USER_HZ on Linux

    public Snapshot Take()
    {
        var processes = new Dictionary<string, ProcessSample?> { ["bench"] = Self() };
        foreach (var (name, pid) in watched)
        {
            processes[name] = ReadProcStat(pid.ToString(CultureInfo.InvariantCulture));
        }

        return new Snapshot(Stopwatch.GetTimestamp(), processes, TryMachineBusy());
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
            used = Between(before, Take(), 0).Processes.Where(p => p.Key != "bench").Sum(p => p.Value.CpuPercent);
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
                    BenchMath.Round(cpu / seconds * 100, 1),
                    logins > 0 ? BenchMath.Round(cpu * 1000 / logins, 2) : null,
                    logins > 0 && faults is { } f ? BenchMath.Round(f / (double)logins, 0) : null);
            }
        }

        double? machine = null;
        if (start.MachineBusyTicks is { } s && end.MachineBusyTicks is { } e && seconds > 0)
        {
            machine = BenchMath.Round((e - s) / (double)ClockTicksPerSecond / seconds * 100, 1);
        }

        double? others = machine is { } m ? BenchMath.Round(Math.Max(0, m - processes.Values.Sum(p => p.CpuPercent)), 1) : null;
        return new CpuUsage(processes, machine, others);
    }

    private static ProcessSample Self()
        => ReadProcStat("self") ?? new ProcessSample(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, null);

    /// <summary>utime + stime and minflt of <c>/proc/&lt;pid&gt;/stat</c>; null when unreadable (gone, not Linux).</summary>
    private static ProcessSample? ReadProcStat(string pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // rest[0] is field 3 (state): minflt = field 10, utime = 14, stime = 15.
            var minflt = long.Parse(rest[7], CultureInfo.InvariantCulture);
            var ticks = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
            return new ProcessSample(ticks / (double)ClockTicksPerSecond, minflt);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Busy clock ticks of all cores since boot: the <c>cpu</c> line of /proc/stat but idle and iowait.</summary>
    private static long? TryMachineBusy()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return null;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long busy = 0;
            // user nice system idle iowait irq softirq steal (guest time is already inside user).
            for (var i = 1; i < fields.Length && i <= 8; i++)
            {
                if (i is not (4 or 5))
                {
                    busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
                }
            }

            return busy;
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public sealed record ProcessSample(double CpuSeconds, long? MinorFaults);

    public sealed record Snapshot(long Timestamp, IReadOnlyDictionary<string, ProcessSample?> Processes, long? MachineBusyTicks);
}

/// <param name="CpuPercent">% of one core over the phase's window.</param>
/// <param name="CpuMsPerLogin">CPU milliseconds per login answered ok in the window.</param>
/// <param name="MinorFaultsPerLogin">Minor page faults per login answered ok in the window.</param>
public sealed record ProcessUsage(double CpuPercent, double? CpuMsPerLogin, double? MinorFaultsPerLogin);

/// <summary>CPU over a phase's window in % of one core: per process, the whole machine, and the rest (other users of the machine).</summary>
public sealed record CpuUsage(IReadOnlyDictionary<string, ProcessUsage> Processes, double? MachinePercent, double? OthersPercent);
