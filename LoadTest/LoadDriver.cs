using System.Diagnostics;
using Tanks.Client.Netcode;
using Tanks.Measurement;

namespace Tanks.LoadTest;

/// <summary>
/// Runs the swarm: starts bots at the ramp rate, a few driver threads pump every bot's socket (each owns a slice), a
/// reporter samples the counters once a second (live line + timeline), and at the end every bot disconnects. The
/// measured window opens at the warmup's end and closes at the run's end, with the processes' CPU read at both.
/// </summary>
public sealed class LoadDriver(LoadOptions options)
{
    private readonly LoadMetrics _metrics = new();
    private readonly List<TimelinePoint> _timeline = [];

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var authSlots = new SemaphoreSlim(options.AuthConcurrency);
        using var probe = new CpuProbe(options.Metrics);
        var window = new MeasuredWindow(_metrics);
        var bots = Enumerable.Range(0, options.Bots).Select(i => new Bot(i, options, _metrics)).ToArray();
        var started = Stopwatch.GetTimestamp();
        var startedUtc = DateTime.UtcNow;
        var end = started + (long)(options.DurationSeconds * Stopwatch.Frequency);
        var released = 0; // bots the ramp has released so far (read by the driver threads)

        // Before the drivers start: without a warmup the window opens synchronously here, before any bot records.
        var measuring = MeasureAsync(window, probe, started + (long)(options.WarmupSeconds * Stopwatch.Frequency), end, stop.Token);

        var threads = new Thread[Math.Min(options.Threads, options.Bots)];
        for (var t = 0; t < threads.Length; t++)
        {
            var slot = t;
            threads[t] = new Thread(() => DriveSlice(bots, slot, threads.Length, () => Volatile.Read(ref released), end, authSlots, stop.Token))
            {
                IsBackground = true,
                Name = $"load-driver-{slot}",
                Priority = ThreadPriority.AboveNormal,
            };
            threads[t].Start();
        }

        var reporter = Task.Run(() => ReportAsync(window, started, end, stop.Token), CancellationToken.None);
        try
        {
            while (Stopwatch.GetTimestamp() < end && released < bots.Length)
            {
                var due = (int)Math.Min(bots.Length, Math.Floor(Stopwatch.GetElapsedTime(started).TotalSeconds * options.Ramp) + 1);
                Volatile.Write(ref released, due);
                await Task.Delay(10, stop.Token);
            }

            await reporter;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Cancel();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (cpuBegin, cpuEnd) = await measuring;
        var cpu = CpuSummary.From(options.Metrics, cpuBegin, cpuEnd, window.Figures, options.TickRate);
        return LoadResult.From(options, _metrics, _timeline, startedUtc, elapsed, window.Figures, cpu);
    }

    /// <summary>Opens the window at <paramref name="warmupEnd"/> and closes it at <paramref name="end"/> or when the run stops; reads the CPU at both.</summary>
    private static async Task<(IReadOnlyDictionary<string, CpuReading>? Begin, IReadOnlyDictionary<string, CpuReading>? End)> MeasureAsync(
        MeasuredWindow window, CpuProbe probe, long warmupEnd, long end, CancellationToken cancellationToken)
    {
        try
        {
            await DelayUntilAsync(warmupEnd, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return (null, null); // stopped during the warmup: no window
        }

        window.Begin(Stopwatch.GetTimestamp());
        var begin = await probe.ReadAsync();
        try
        {
            await DelayUntilAsync(end, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the run stopped (its last second, or Ctrl+C): the window ends now
        }

        window.End(Stopwatch.GetTimestamp());
        return (begin, await probe.ReadAsync());
    }

    private static Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var wait = timestamp - Stopwatch.GetTimestamp();
        return wait <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), cancellationToken);
    }

    /// <summary>
    /// One driver thread's bots. Each pass pumps the bots whose sockets have datagrams (one epoll wait tells which, so a
    /// datagram costs one read and no socket query), and once a millisecond the bots with an input or housekeeping due:
    /// the cost follows packets, not bots × passes. Without epoll (not Linux) every bot is pumped every millisecond.
    /// </summary>
    private void DriveSlice(Bot[] bots, int slot, int slots, Func<int> released, long end, SemaphoreSlim authSlots, CancellationToken cancellationToken)
    {
        using var poller = ReadinessPoller.TryCreate();
        var started = new bool[bots.Length];
        var watched = new NetcodeUdpClient?[bots.Length];
        var ready = new int[ReadinessPoller.MaxEvents];
        var scanPeriod = Stopwatch.Frequency / 1000;
        var nextScan = 0L;
        while (!cancellationToken.IsCancellationRequested && Stopwatch.GetTimestamp() < end)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= nextScan)
            {
                nextScan = now + scanPeriod;
                var count = released();
                for (var i = slot; i < count; i += slots)
                {
                    if (!started[i])
                    {
                        started[i] = true;
                        bots[i].Start(authSlots, cancellationToken);
                    }

                    if (poller is null)
                    {
                        bots[i].Pump(Stopwatch.GetTimestamp(), null, authSlots, cancellationToken);
                    }
                    else if (bots[i].IsDue(now))
                    {
                        PumpWatched(i, readable: false);
                    }
                }
            }

            if (poller is null)
            {
                Thread.Sleep(1);
                continue;
            }

            var readable = poller.Wait(1, ready);
            for (var k = 0; k < readable; k++)
            {
                PumpWatched(ready[k], readable: true);
            }
        }

        void PumpWatched(int i, bool readable)
        {
            var bot = bots[i];
            bot.Pump(Stopwatch.GetTimestamp(), readable, authSlots, cancellationToken);
            if (bot.Udp is { } udp && !ReferenceEquals(watched[i], udp))
            {
                watched[i] = udp;
                poller!.Watch(udp.SocketHandle, i);
            }
        }

        for (var i = slot; i < bots.Length; i += slots)
        {
            bots[i].Stop();
        }
    }

    private async Task ReportAsync(MeasuredWindow window, long started, long end, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var previous = Counters.Take(_metrics);
        var previousAt = started;
        while (Stopwatch.GetTimestamp() < end && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= end - Stopwatch.Frequency / 10)
            {
                break; // the drivers are about to disconnect the bots (timers may fire a little early): not a second of the run
            }

            var seconds = (now - previousAt) / (double)Stopwatch.Frequency;
            var current = Counters.Take(_metrics);
            var gaps = _metrics.TakeInterArrivalWindow();
            var connected = Interlocked.Read(ref _metrics.Connected);
            var inBattle = Interlocked.Read(ref _metrics.InBattle);
            var point = new TimelinePoint(
                Math.Round((now - started) / (double)Stopwatch.Frequency, 2),
                connected,
                inBattle,
                Math.Round(Interlocked.Read(ref _metrics.BattleShares) / 1e6, 1),
                Math.Round((current.Logins - previous.Logins) / seconds, 1),
                Math.Round((current.PacketsUp - previous.PacketsUp) / seconds),
                Math.Round((current.PacketsDown - previous.PacketsDown) / seconds),
                Math.Round((current.BytesUp - previous.BytesUp) * 8 / 1000.0 / seconds, 1),
                Math.Round((current.BytesDown - previous.BytesDown) * 8 / 1000.0 / seconds, 1),
                inBattle == 0 ? 0 : Math.Round((current.Snapshots - previous.Snapshots) / seconds / inBattle, 1),
                Math.Round(gaps.PercentileMs(99), 1),
                current.Errors,
                _metrics.Trouble.StarvedNow,
                _metrics.Trouble.Total);
            _timeline.Add(point);
            window.Sample(now);
            if (!options.Quiet)
            {
                Console.WriteLine(
                    $"t={point.Seconds,5:F0}s connected {point.Connected,5} logins/s {point.LoginsPerSecond,5:F0} battles {point.Battles,5:F1} " +
                    $"({point.InBattle} bots) up {point.PacketsUpPerSecond,6:F0} pkt/s {point.KbitUpPerSecond,7:F0} kbit/s down {point.PacketsDownPerSecond,6:F0} pkt/s " +
                    $"{point.KbitDownPerSecond,7:F0} kbit/s snapshots/bot/s {point.SnapshotsPerBotPerSecond,4:F1} p99 gap {point.P99InterArrivalMs,5:F1} ms errors {point.Errors} " +
                    $"starved {point.Starved} trouble {_metrics.Trouble.Brief()}");
            }

            previous = current;
            previousAt = now;
        }
    }

    private readonly record struct Counters(long Logins, long PacketsUp, long PacketsDown, long BytesUp, long BytesDown, long Snapshots, long Errors)
    {
        public static Counters Take(LoadMetrics m) => new(
            Interlocked.Read(ref m.Logins) + Interlocked.Read(ref m.Registrations),
            Interlocked.Read(ref m.PacketsUp),
            Interlocked.Read(ref m.PacketsDown),
            Interlocked.Read(ref m.BytesUp),
            Interlocked.Read(ref m.BytesDown),
            Interlocked.Read(ref m.SnapshotsReceived),
            m.ErrorCount);
    }
}

/// <summary>One second of the run: what the live line shows (<see cref="Starved"/>: bots in a snapshot gap now; <see cref="Trouble"/>: all trouble so far).</summary>
public sealed record TimelinePoint(
    double Seconds, long Connected, long InBattle, double Battles, double LoginsPerSecond, double PacketsUpPerSecond,
    double PacketsDownPerSecond, double KbitUpPerSecond, double KbitDownPerSecond, double SnapshotsPerBotPerSecond,
    double P99InterArrivalMs, long Errors, long Starved = 0, long Trouble = 0);
