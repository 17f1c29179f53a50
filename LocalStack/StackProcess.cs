using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tanks.LocalStack;

/// <summary>One process of the local stack: started from its built dll, its output prefixed with its name.</summary>
public sealed class StackProcess
{
    private static readonly object ConsoleLock = new();
    private readonly Process _process;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StackProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public Task Exited => _exited.Task;

    public static StackProcess Start(string name, string dll, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing; build the solution first (dotnet build Tanks.slnx)");
        }

        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new StackProcess(name, process);
        process.OutputDataReceived += (_, e) => result.Print(e.Data);
        process.ErrorDataReceived += (_, e) => result.Print(e.Data);
        process.Exited += (_, _) => result._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Polls <paramref name="url"/> until it answers 200, saying every few seconds what it waits for.</summary>
    public async Task WaitHealthyAsync(string url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        var nextNotice = TimeSpan.FromSeconds(5);
        Say($"waiting for {Name} to be healthy ({url})...");
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} (see its last line above; docs/operations.md, \"Start-up errors and exit codes\")");
            }

            try
            {
                if ((await http.GetAsync(url, cancellationToken)).IsSuccessStatusCode)
                {
                    Say($"{Name} healthy after {watch.Elapsed.TotalSeconds:F1} s");
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (watch.Elapsed >= nextNotice)
            {
                Say($"still waiting for {Name} ({watch.Elapsed.TotalSeconds:F0} s)...");
                nextNotice += TimeSpan.FromSeconds(5);
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"{Name} did not become healthy at {url}");
    }

    /// <summary>A progress line of LocalStack itself (not of a child process).</summary>
    public static void Say(string message)
    {
        lock (ConsoleLock)
        {
            Console.WriteLine($"[localstack] {message}");
        }
    }

    /// <summary>SIGTERM first (graceful shutdown: grains deactivate), SIGKILL if it takes longer than <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = Kill(_process.Id, 15);
        }
        else
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tanks.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("run this from a clone of the Tanks repository");
    }

    /// <summary>Debug or Release, whichever this program was built in (the other projects were built alike).</summary>
    public static string BuildConfiguration()
        => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private void Print(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (ConsoleLock)
        {
            Console.WriteLine($"[{Name}] {line}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
