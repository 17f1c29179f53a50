using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Tanks.Tests.Reliability;

/// <summary>How a process is asked to stop: SIGKILL (a crash, a lost node) or SIGTERM (an orderly stop, a rolling update).</summary>
public enum StopSignal
{
    Kill = 9,
    Term = 15,
}

/// <summary>How a process ended: its exit code (SIGKILL: 137 as a shell reports it) and how long it took after the signal.</summary>
public sealed record ExitInfo(string Name, StopSignal Signal, int ExitCode, TimeSpan TimeToExit);

/// <summary>
/// One real process of the reliability cluster (silo, gateway) started from its built dll, with what
/// <see cref="Infrastructure.TanksProcess"/> lacks for failover work: SIGTERM as well as SIGKILL, the exit code and the
/// time to exit, and console lines stamped with the time since the process started (to line logs up with a scenario).
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    // Bounded: a log flood must not exhaust the test host.
    private const int MaxOutputChars = 8 * 1024 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Stopwatch _since = Stopwatch.StartNew();

    private NodeProcess(Process process, string name, int httpPort)
    {
        _process = process;
        Name = name;
        HttpPort = httpPort;
    }

    public string Name { get; }

    /// <summary>The HTTP port of <c>/health/*</c> and <c>/metrics</c>.</summary>
    public int HttpPort { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static NodeProcess Start(string name, string dll, int httpPort, IReadOnlyDictionary<string, string> environment)
    {
        var process = new Process { StartInfo = Infrastructure.TanksProcess.DllStartInfo(dll, environment), EnableRaisingEvents = true };
        var result = new NodeProcess(process, name, httpPort);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200; fails with the process's output when it exits or the time is up.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Tail(200)}");
            }

            if (await ReadyStatusAsync(http) == 200)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} not ready after {timeout}:\n{Tail(200)}");
    }

    /// <summary>The status code of <c>/health/ready</c>, or 0 when nothing answers (refused, reset, timed out).</summary>
    public async Task<int> ReadyStatusAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{HttpPort}/health/ready");
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>Sends the signal and waits (bounded) for the exit; SIGKILL follows when a SIGTERM'd process outlives the bound.</summary>
    public async Task<ExitInfo> StopAsync(StopSignal signal, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        if (!_process.HasExited)
        {
            if (Kill(_process.Id, (int)signal) != 0 && !_process.HasExited)
            {
                throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
            }

            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                var waited = watch.Elapsed;
                await KillAsync();
                throw new TimeoutException($"{Name} still running {waited.TotalSeconds:0.0} s after SIG{signal.ToString().ToUpperInvariant()} (killed now)");
            }
        }

        return new ExitInfo(Name, signal, _process.ExitCode, watch.Elapsed);
    }

    /// <summary>SIGKILL, no questions; used on dispose and after a failed graceful stop.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of output.</summary>
    public string Tail(int lines)
    {
        var all = Output.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>Lines that contain any of <paramref name="needles"/> (case-insensitive), at most <paramref name="max"/>, for failure messages.</summary>
    public IEnumerable<string> Grep(int max, params string[] needles)
        => Output.Split('\n')
            .Where(l => needles.Any(n => l.Contains(n, StringComparison.OrdinalIgnoreCase)))
            .Take(max)
            .Select(l => $"[{Name}] {(l.Length > 400 ? l[..400] + " …" : l)}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (OperationCanceledException)
        {
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < MaxOutputChars)
            {
                _output.Append(System.Globalization.CultureInfo.InvariantCulture, $"+{_since.Elapsed.TotalSeconds:0.000} ").AppendLine(line);
            }
        }
    }

    // DllImport, not LibraryImport: the generated stub needs AllowUnsafeBlocks, which this project does not set.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
