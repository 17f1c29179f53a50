using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Tanks.Client.Auth;
using Tanks.Protocol.Auth;
using Tanks.Measurement;

namespace Tanks.LoginBench;

/// <summary>
/// Drives logins against Gateway.Tcp the way a game client does: a new TCP connection (<see cref="AuthClient"/>) per
/// login. Three steps: the accounts (log in, register on <c>invalid_credentials</c>), a closed-loop saturation phase
/// and an open-loop phase on a fixed schedule. Every loop is bounded in count and in time.
/// </summary>
public sealed class LoginDriver(BenchOptions options)
{
    private const string Password = HashTiming.Password;
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromMilliseconds(50);

    /// <summary>Checks the gateway answers a ping; null when it does, else why not.</summary>
    public async Task<string?> PingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await using var auth = await AuthClient.ConnectAsync(options.TcpHost, options.TcpPort, ClientOptions, timeout.Token);
            var result = await auth.PingAsync(timeout.Token);
            return result.Ok ? null : $"ping answered {result.ErrorCode}";
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>Makes sure every account exists with the bench's password: login first, register on <c>invalid_credentials</c>.</summary>
    public async Task<AccountsResult> PrepareAccountsAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var registered = 0;
        var loggedIn = 0;
        var failures = new ConcurrentDictionary<string, int>();
        var next = -1;
        var workers = Math.Min(Math.Min(options.Concurrency, 16), options.Accounts);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < options.Accounts && !cancellationToken.IsCancellationRequested)
            {
                string? error = null;
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    (error, var didRegister) = await EnsureAccountAsync(options.AccountName(index), cancellationToken);
                    if (error is null)
                    {
                        if (didRegister)
                        {
                            Interlocked.Increment(ref registered);
                        }
                        else
                        {
                            Interlocked.Increment(ref loggedIn);
                        }

                        break;
                    }

                    if (error is "auth_" + AuthErrorCodes.LockedOut or "auth_" + AuthErrorCodes.UserExists || attempt == 2)
                    {
                        break; // another password owns the name (retrying cannot help), or the last attempt failed
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }

                if (error is not null)
                {
                    failures.AddOrUpdate(error, 1, (_, n) => n + 1);
                }
            }
        }, cancellationToken)));

        return new AccountsResult(options.Accounts, registered, loggedIn,
            BenchMath.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 2), new SortedDictionary<string, int>(failures));
    }

    private async Task<(string? Error, bool Registered)> EnsureAccountAsync(string name, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout * 2);
        try
        {
            await using var auth = await AuthClient.ConnectAsync(options.TcpHost, options.TcpPort, ClientOptions, timeout.Token);
            var result = await auth.LoginAsync(name, Password, timeout.Token);
            if (result.Ok)
            {
                return (null, false);
            }

            if (result.ErrorCode != AuthErrorCodes.InvalidCredentials)
            {
                return ("auth_" + result.ErrorCode, false);
            }

            result = await auth.RegisterAsync(name, Password, timeout.Token);
            return (result.Ok ? null : "auth_" + result.ErrorCode, true);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (ErrorKind(ex), false);
        }
    }

    /// <summary>
    /// Closed loop: <see cref="BenchOptions.Concurrency"/> clients, each logging in again as soon as its previous login
    /// is answered, for the warm-up plus the measured window. Client k takes accounts k, k+C, k+2C, … so no two clients
    /// share an account (a user grain answers one call at a time) while there are at least C accounts.
    /// </summary>
    public async Task<SaturationResult> SaturateAsync(HashResult hash, CpuMeter cpu, CancellationToken cancellationToken)
    {
        var t0 = Stopwatch.GetTimestamp();
        var windowStart = t0 + Ticks(options.WarmupSeconds);
        var windowEnd = windowStart + Ticks(options.Seconds);
        var cpuStart = SnapshotAtAsync(cpu, windowStart, cancellationToken);
        var cpuEnd = SnapshotAtAsync(cpu, windowEnd, cancellationToken);
        var concurrency = options.Concurrency;
        var samples = await ClosedLoopAsync(windowEnd, cancellationToken);
        var inWindow = samples.Where(s => s.Answered >= windowStart && s.Answered < windowEnd).ToList();
        var ok = inWindow.Where(s => s.Error is null).ToList();
        var perSecond = ok.Count / options.Seconds;
        var cpuUsage = CpuMeter.Between(await cpuStart, await cpuEnd, ok.Count);
        double? stackMs = options.CpuPids.Count > 0 && cpuUsage.Processes.Values.All(p => p.CpuMsPerLogin is not null) && ok.Count > 0
            ? cpuUsage.Processes.Values.Sum(p => p.CpuMsPerLogin!.Value)
            : null;
        return new SaturationResult(
            concurrency,
            options.Seconds,
            ok.Count,
            BenchMath.Round(perSecond, 1),
            BenchMath.Round(perSecond / hash.CeilingPerSecond * 100, 1),
            BenchMath.Round(perSecond / hash.ParallelPerSecond * 100, 1),
            BenchMath.Summarize(ok.Select(s => Millis(s.Scheduled, s.Answered))),
            CountErrors(inWindow),
            cpuUsage,
            stackMs is { } ms ? BenchMath.Round(ms, 2) : null,
            stackMs is { } total && hash.CpuMs is { } hashMs ? BenchMath.Round(hashMs / total * 100, 1) : null);
    }

    /// <summary>Closed-loop logins, unmeasured, so the stack's code is compiled and its caches warm before the first repeat.</summary>
    public async Task<(int Ok, int Failed)> WarmUpAsync(double seconds, CancellationToken cancellationToken)
    {
        var samples = await ClosedLoopAsync(Stopwatch.GetTimestamp() + Ticks(seconds), cancellationToken);
        var ok = samples.Count(s => s.Error is null);
        return (ok, samples.Count - ok);
    }

    /// <summary>
    /// <see cref="BenchOptions.Concurrency"/> clients, each starting a login as soon as its previous one is answered, until
    /// <paramref name="end"/>; a failed login is followed by a short pause, so a refusing stack cannot make it a busy loop.
    /// </summary>
    private async Task<List<Sample>> ClosedLoopAsync(long end, CancellationToken cancellationToken)
    {
        var samples = new ConcurrentQueue<Sample>();
        var concurrency = options.Concurrency;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(k => Task.Run(async () =>
        {
            var account = k;
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                var (error, answered) = await LoginOnceAsync(options.AccountName(account % options.Accounts), cancellationToken);
                samples.Enqueue(new Sample(started, started, answered, error));
                account += concurrency;
                if (error is not null)
                {
                    await Task.Delay(ErrorBackoff, cancellationToken);
                }
            }
        }, cancellationToken)));
        return samples.ToList();
    }

    /// <summary>
    /// Open loop: logins start on a fixed schedule at <paramref name="rate"/> per second, each on time whether or not the
    /// ones before it were answered, at most <see cref="BenchOptions.MaxInFlight"/> at once (Gateway.Tcp allows 32
    /// connections per address). A login the cap holds back starts late, and it is counted; latency runs from the
    /// scheduled start, so any queueing (the cap's, this process's, the stack's) is in it.
    /// </summary>
    public async Task<OpenLoopResult> OpenLoopAsync(double rate, CpuMeter cpu, CancellationToken cancellationToken)
    {
        var schedule = new OpenLoopSchedule(rate, options.WarmupSeconds, options.Seconds);
        using var slots = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
        var samples = new Sample[schedule.Count];
        var delayed = new bool[schedule.Count];
        var running = new List<Task>(schedule.Count);
        var inFlight = 0;
        var peakInFlight = 0;
        var capReleased = long.MinValue; // when the dispatcher last got a slot after waiting for one
        var t0 = Stopwatch.GetTimestamp() + Ticks(0.02);
        var windowStart = t0 + Ticks(options.WarmupSeconds);
        var windowEnd = windowStart + Ticks(options.Seconds);
        var cpuStart = SnapshotAtAsync(cpu, windowStart, cancellationToken);
        var cpuEnd = SnapshotAtAsync(cpu, windowEnd, cancellationToken);

        for (var i = 0; i < schedule.Count && !cancellationToken.IsCancellationRequested; i++)
        {
            var due = t0 + Ticks(schedule.DueSeconds(i));
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken);
            }

            if (!slots.Wait(0))
            {
                await slots.WaitAsync(cancellationToken); // each login in flight ends within the request timeout
                capReleased = Stopwatch.GetTimestamp();
            }

            // Held back by the cap: it waited for a slot itself, or it fell due while the dispatcher waited for one.
            delayed[i] = due < capReleased;

            var index = i;
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peakInFlight, now);
            running.Add(Task.Run(async () =>
            {
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    var (error, answered) = await LoginOnceAsync(options.AccountName(index % options.Accounts), cancellationToken);
                    samples[index] = new Sample(due, started, answered, error);
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                    slots.Release();
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(running);
        var measured = Enumerable.Range(0, running.Count).Where(schedule.IsMeasured).ToList();
        var ok = measured.Select(i => samples[i]).Where(s => s.Error is null).ToList();
        var okInWindow = samples.Take(running.Count).Count(s => s.Error is null && s.Answered >= windowStart && s.Answered < windowEnd);
        return new OpenLoopResult(
            BenchMath.Round(rate, 1),
            options.OpenRate is null ? options.OpenFraction : null,
            options.MaxInFlight,
            measured.Count,
            ok.Count,
            BenchMath.Round(okInWindow / options.Seconds, 1),
            BenchMath.Summarize(ok.Select(s => Millis(s.Scheduled, s.Answered))),
            BenchMath.Summarize(ok.Select(s => Millis(s.Started, s.Answered))),
            BenchMath.Round(Percentile.NearestRank(measured.Where(i => !delayed[i]).Select(i => Millis(samples[i].Scheduled, samples[i].Started)).Order().ToArray(), 99)),
            measured.Count(i => delayed[i]),
            peakInFlight,
            CountErrors(measured.Select(i => samples[i])),
            CpuMeter.Between(await cpuStart, await cpuEnd, okInWindow));
    }

    /// <summary>One login as a client does it: connect, <c>login</c>, read the answer (that instant is returned), close.</summary>
    private async Task<(string? Error, long Answered)> LoginOnceAsync(string name, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            await using var auth = await AuthClient.ConnectAsync(options.TcpHost, options.TcpPort, ClientOptions, timeout.Token);
            var result = await auth.LoginAsync(name, Password, timeout.Token);
            var answered = Stopwatch.GetTimestamp();
            if (!result.Ok)
            {
                return ("auth_" + (result.ErrorCode ?? "unknown"), answered);
            }

            return (result.Session?.ConnectToken is null ? "no_connect_token" : null, answered);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (ErrorKind(ex), Stopwatch.GetTimestamp());
        }
    }

    private AuthClientOptions ClientOptions => new() { RequestTimeout = options.RequestTimeout };

    private static string ErrorKind(Exception ex) => ex switch
    {
        OperationCanceledException => "timeout",
        SocketException socket => "tcp_" + socket.SocketErrorCode,
        IOException { InnerException: SocketException socket } => "tcp_" + socket.SocketErrorCode,
        EndOfStreamException => "tcp_closed",
        _ => "tcp_" + ex.GetType().Name,
    };

    private static async Task<CpuMeter.Snapshot> SnapshotAtAsync(CpuMeter cpu, long timestamp, CancellationToken cancellationToken)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }

        return cpu.Take();
    }

    private static SortedDictionary<string, int> CountErrors(IEnumerable<Sample> samples)
        => new(samples.Where(s => s.Error is not null).GroupBy(s => s.Error!).ToDictionary(g => g.Key, g => g.Count()));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    private static double Millis(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>One login: when it was due (closed loop: when it started), when it started, when it was answered, its error.</summary>
    private readonly record struct Sample(long Scheduled, long Started, long Answered, string? Error);
}
