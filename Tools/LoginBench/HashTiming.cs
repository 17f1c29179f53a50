using System.Diagnostics;
using Microsoft.Extensions.Options;
using Tanks.Grains.Accounts;
using Tanks.Measurement;

namespace Tanks.LoginBench;

/// <summary>
/// The Argon2id ceiling, measured in this process with the silo's default <see cref="AccountOptions"/>:
/// one hash on one thread (median of <c>samples</c> after <c>warmups</c>), so ceiling = cores ÷ that time; and, as a
/// diagnostic, the rate of one hashing thread per core at once (what the cores give when they all hash:
/// memory bandwidth and shared caches make it lower than the ceiling).
/// </summary>
public static class HashTiming
{
    public const string Password = "correct horse battery";

    public static HashResult Measure(AccountOptions options, int warmups = 3, int samples = 20, int parallelHashesPerThread = 6)
    {
        var hasher = new PasswordHasher(Options.Create(options));
        for (var i = 0; i < warmups; i++)
        {
            hasher.Hash(Password);
        }

        var times = new List<double>(samples);
        var cpuBefore = ThreadCpu.Now();
        var faultsBefore = ThreadCpu.ProcessMinorFaults();
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            hasher.Hash(Password);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        double? cpuMs = ThreadCpu.Now() is { } cpuAfter && cpuBefore is { } b ? (cpuAfter - b).TotalMilliseconds / samples : null;
        double? faults = ThreadCpu.ProcessMinorFaults() is { } faultsAfter && faultsBefore is { } fb ? (faultsAfter - fb) / (double)samples : null;

        times.Sort();
        var median = Percentile.Median(times);
        var cores = Environment.ProcessorCount;
        return new HashResult(
            BenchMath.Round(median, 3),
            BenchMath.Round(times[0], 3),
            BenchMath.Round(times[^1], 3),
            samples,
            cpuMs is { } c ? BenchMath.Round(c, 3) : null,
            faults is { } f ? BenchMath.Round(f, 0) : null,
            BenchMath.Round(cores * 1000.0 / median, 1),
            BenchMath.Round(ParallelRate(hasher, cores, parallelHashesPerThread), 1));
    }

    /// <summary>Hashes per second with <paramref name="threads"/> threads hashing at once, <paramref name="perThread"/> each.</summary>
    private static double ParallelRate(PasswordHasher hasher, int threads, int perThread)
    {
        using var start = new Barrier(threads + 1);
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < perThread; i++)
                {
                    hasher.Hash(Password);
                }
            }) { IsBackground = true, Name = $"hash-{t}" };
            workers[t].Start();
        }

        start.SignalAndWait();
        var started = Stopwatch.GetTimestamp();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        return threads * perThread / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}

/// <param name="MedianMs">One hash on one thread, median.</param>
/// <param name="CpuMs">The hashing thread's CPU time per hash (mean over the samples; Linux), to set against the silo's CPU per login.</param>
/// <param name="MinorFaultsPerHash">This process's minor page faults per hash over the samples (Linux).</param>
/// <param name="CeilingPerSecond">Cores ÷ <paramref name="MedianMs"/>: the ceiling.</param>
/// <param name="ParallelPerSecond">Hashes per second with one hashing thread per core, all at once.</param>
public sealed record HashResult(
    double MedianMs, double MinMs, double MaxMs, int Samples, double? CpuMs, double? MinorFaultsPerHash, double CeilingPerSecond, double ParallelPerSecond);

/// <summary>The calling thread's CPU time (<c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>) and the process's minor faults, on Linux.</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static TimeSpan? Now()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return clock_gettime(ClockThreadCpuTimeId, out var ts) == 0
                ? TimeSpan.FromTicks(ts.Seconds * TimeSpan.TicksPerSecond + ts.Nanoseconds / 100)
                : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    public static long? ProcessMinorFaults()
    {
        try
        {
            var text = File.ReadAllText("/proc/self/stat");
            return long.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clockId, out Timespec time);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
