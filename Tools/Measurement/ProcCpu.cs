using System.Globalization;

namespace Tanks.Measurement;

/// <summary>One thread's CPU: utime + stime (10 ms resolution) and schedstat run time (1 ns; NaN when unavailable).</summary>
public readonly record struct ThreadCpu(string Name, double StatSeconds, double RunSeconds);

/// <summary>
/// Readings from /proc (Linux), the one place the tools read CPU from: process, thread and machine CPU, minor page
/// faults, per-socket UDP drops, the load average.
/// </summary>
public static class ProcCpu
{
    /// <summary>Clock ticks per second of utime/stime (USER_HZ: 100 on every Linux ABI .NET runs on).</summary>
    public const double ClockTicks = 100;

    /// <summary>utime + stime of the whole process (all its threads, living and exited), seconds; 10 ms resolution.</summary>
    public static double ProcessCpuSeconds(int pid) => StatCpuSeconds(File.ReadAllText($"/proc/{pid}/stat"));

    /// <summary>The command name (<c>comm</c>) of a process, or null when it is gone.</summary>
    public static string? ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>utime + stime, seconds, of a <c>/proc/.../stat</c> line; fields after the command name's ") " (14 and 15 of the line).</summary>
    public static double StatCpuSeconds(string stat) => ParseStat(stat).CpuSeconds;

    /// <summary>
    /// utime + stime (seconds) and minflt of <c>/proc/&lt;pid&gt;/stat</c> (<paramref name="pid"/> may be "self");
    /// null when unreadable (gone, not Linux).
    /// </summary>
    public static (double CpuSeconds, long MinorFaults)? TryReadStat(string pid)
    {
        try
        {
            return ParseStat(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// A <c>/proc/.../stat</c> line: the command name (field 2) is in parentheses and may hold spaces, so fields count
    /// after the last ')': the first is field 3 (state), minflt is field 10, utime 14, stime 15.
    /// </summary>
    private static (double CpuSeconds, long MinorFaults) ParseStat(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (ticks / ClockTicks, long.Parse(fields[7], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Each living thread of a process by thread id: its name, utime + stime (seconds, 10 ms resolution) and its
    /// run time from <c>schedstat</c> (seconds, nanosecond resolution; NaN when the kernel has no schedstat).
    /// </summary>
    public static Dictionary<int, ThreadCpu> Threads(int pid)
    {
        var result = new Dictionary<int, ThreadCpu>();
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (DirectoryNotFoundException)
        {
            return result;
        }

        foreach (var task in tasks)
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                var run = double.NaN;
                var schedstat = Path.Combine(task, "schedstat");
                if (File.Exists(schedstat))
                {
                    run = long.Parse(File.ReadAllText(schedstat).Split(' ')[0], CultureInfo.InvariantCulture) / 1e9;
                }

                result[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = new ThreadCpu(stat[(open + 1)..close], StatCpuSeconds(stat), run);
            }
            catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
            {
                // The thread exited between the listing and the read.
            }
        }

        return result;
    }

    /// <summary>CPU seconds each thread name used between two <see cref="Threads"/> readings (threads born in between count from 0).</summary>
    public static Dictionary<string, double> ThreadDelta(Dictionary<int, ThreadCpu> before, Dictionary<int, ThreadCpu> after)
    {
        var byName = new Dictionary<string, double>();
        foreach (var (tid, now) in after)
        {
            var precise = !double.IsNaN(now.RunSeconds);
            var end = precise ? now.RunSeconds : now.StatSeconds;
            var start = before.TryGetValue(tid, out var b) ? precise ? b.RunSeconds : b.StatSeconds : 0;
            if (end - start > 0)
            {
                byName[now.Name] = byName.GetValueOrDefault(now.Name) + end - start;
            }
        }

        return byName;
    }

    /// <summary>
    /// The process's CPU between two readings: the sum of its threads' schedstat run times (ns resolution) when
    /// that agrees with utime + stime (<paramref name="statDelta"/>, 10 ms resolution, exited threads included)
    /// within the ticks' resolution; else <paramref name="statDelta"/>. A thread that exited between the readings
    /// (the JIT's tiered-compilation worker leaves after 4 s idle) is missing from the sum: if its share was within
    /// the resolution the sum is kept, else the ticks are. Source: "schedstat", "schedstat (exited: ...)" or "stat".
    /// </summary>
    public static (double Seconds, string Source) ProcessCpuDelta(Dictionary<int, ThreadCpu> before, Dictionary<int, ThreadCpu> after, double statDelta)
    {
        if (before.Count == 0 || after.Count == 0 || after.Values.Any(t => double.IsNaN(t.RunSeconds)) || before.Values.Any(t => double.IsNaN(t.RunSeconds)))
        {
            return (statDelta, "stat");
        }

        var sum = after.Sum(kv => kv.Value.RunSeconds - (before.TryGetValue(kv.Key, out var b) ? b.RunSeconds : 0));
        if (Math.Abs(sum - statDelta) > 0.02 + (0.02 * statDelta))
        {
            return (statDelta, "stat");
        }

        var exited = before.Where(kv => !after.ContainsKey(kv.Key)).Select(kv => kv.Value.Name).ToList();
        return (sum, exited.Count == 0 ? "schedstat" : $"schedstat (exited: {string.Join(", ", exited)})");
    }

    /// <summary>The box: (busy, steal) CPU seconds summed over all cores, from the first line of /proc/stat.</summary>
    public static (double Busy, double Steal) MachineCpu()
    {
        var (busy, steal) = MachineTicks() ?? (0, 0);
        return (busy / ClockTicks, steal / ClockTicks);
    }

    /// <summary>The box: (busy, steal) clock ticks of all cores since boot; null when /proc/stat cannot be read.</summary>
    public static (long Busy, long Steal)? MachineTicks()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            return ParseMachineTicks(reader.ReadLine() ?? "");
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>"cpu  user nice system idle iowait irq softirq steal ...": busy = all but idle, iowait and steal (guest time is inside user).</summary>
    public static (long Busy, long Steal)? ParseMachineTicks(string line)
    {
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 9 || f[0] != "cpu")
        {
            return null;
        }

        long V(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
        return (V(1) + V(2) + V(3) + V(6) + V(7), V(8));
    }

    /// <summary>Kernel drops (socket receive buffer full) of the IPv4 UDP sockets bound to the given local ports, from /proc/net/udp.</summary>
    public static long UdpDrops(IReadOnlySet<int> localPorts) => ParseUdpDrops(File.ReadLines("/proc/net/udp"), localPorts);

    public static long ParseUdpDrops(IEnumerable<string> lines, IReadOnlySet<int> localPorts)
    {
        // "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops"
        long drops = 0;
        foreach (var line in lines)
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 13 || !f[0].EndsWith(':'))
            {
                continue;
            }

            var colon = f[1].IndexOf(':');
            if (colon < 0 || !int.TryParse(f[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port))
            {
                continue;
            }

            if (localPorts.Contains(port) && long.TryParse(f[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var d))
            {
                drops += d;
            }
        }

        return drops;
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "";
        }
    }
}
