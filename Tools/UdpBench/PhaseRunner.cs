using System.Diagnostics;
using Tanks.Measurement;

namespace Tanks.UdpBench;

/// <summary>What the bench reads at each edge of a measured window.</summary>
internal sealed record Snapshot(
    double T,
    double TargetCpu,
    double BenchCpu,
    double MachineBusy,
    double MachineSteal,
    long DatagramsSent,
    long DatagramsReceived,
    Dictionary<int, ThreadCpu> Threads)
{
    public static Snapshot Take(BenchLoad load, Stopwatch clock)
    {
        // The target's threads (schedstat: ns) and its process CPU (utime + stime, exited threads included) read
        // together, the clock on either side of them; then the bench's own CPU and the box's.
        var t0 = clock.Elapsed.TotalSeconds;
        var threads = ProcCpu.Threads(load.Pid);
        var targetCpu = ProcCpu.ProcessCpuSeconds(load.Pid);
        var t1 = clock.Elapsed.TotalSeconds;
        var benchCpu = ProcCpu.ProcessCpuSeconds(Environment.ProcessId);
        var (busy, steal) = ProcCpu.MachineCpu();
        return new Snapshot((t0 + t1) / 2, targetCpu, benchCpu, busy, steal, load.Counters.DatagramsSent, load.Counters.DatagramsReceived, threads);
    }
}

/// <summary>The counts of one phase (warm-up, window, drain) of one target.</summary>
internal sealed record PhaseCounts(
    Snapshot? Start,
    Snapshot? End,
    long PayloadsSent,
    long Echoes,
    long SendErrors,
    long PacerSkipped,
    long TargetSocketDrops,
    long BenchSocketDrops);

internal static class PhaseRunner
{
    /// <summary>After the load stops, echoes still on their way are awaited this long at most.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Paced load on one target: <paramref name="rate"/> sends per second over all clients (round robin), checked
    /// every ~1 ms (Thread.Sleep(1)), echoes drained on each pass. The window [warmup, warmup + window] is measured
    /// (no window when <paramref name="window"/> is 0); then the load stops and the echoes in flight are drained.
    /// Bounded: warm-up + window + <see cref="DrainLimit"/>.
    /// </summary>
    public static PhaseCounts Run(BenchLoad load, int rate, double warmup, double window)
    {
        var counters = load.Counters;
        var targetPorts = new HashSet<int> { load.TargetPort };
        var targetDrops = ProcCpu.UdpDrops(targetPorts);
        var benchDrops = ProcCpu.UdpDrops(load.LocalPorts);
        var sent0 = counters.PayloadsSent;
        var echoes0 = counters.Echoes;
        var errors0 = counters.SendErrors;

        var pacer = new Pacer(rate);
        var clients = load.Clients;
        var next = 0;
        Snapshot? start = null, end = null;
        var total = warmup + window;
        var lastService = double.NegativeInfinity;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var t = clock.Elapsed.TotalSeconds;
            if (window > 0 && start is null && t >= warmup)
            {
                start = Snapshot.Take(load, clock);
            }

            if (t >= total)
            {
                if (window > 0)
                {
                    end = Snapshot.Take(load, clock);
                }

                break;
            }

            var due = pacer.Due(t);
            for (var k = 0; k < due; k++)
            {
                load.SendOne(next);
                next = next + 1 == clients ? 0 : next + 1;
            }

            var now = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
            load.DrainAll(now);
            if (t - lastService >= 0.01)
            {
                load.Service(now);
                lastService = t;
            }

            Thread.Sleep(1);
        }

        var drain = Stopwatch.StartNew();
        while (drain.Elapsed < DrainLimit && counters.Echoes - echoes0 < counters.PayloadsSent - sent0)
        {
            Thread.Sleep(2);
            load.DrainAll(Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency);
        }

        return new PhaseCounts(
            start,
            end,
            counters.PayloadsSent - sent0,
            counters.Echoes - echoes0,
            counters.SendErrors - errors0,
            pacer.Skipped,
            ProcCpu.UdpDrops(targetPorts) - targetDrops,
            ProcCpu.UdpDrops(load.LocalPorts) - benchDrops);
    }
}
