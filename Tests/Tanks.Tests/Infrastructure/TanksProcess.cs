using System.Diagnostics;
using System.Text;

namespace Tanks.Tests.Infrastructure;

/// <summary>A real Tanks process (silo or gateway) started from its built dll, its console output kept for assertions.</summary>
public sealed class TanksProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private TanksProcess(Process process, string name, int httpPort)
    {
        _process = process;
        Name = name;
        HttpPort = httpPort;
    }

    public string Name { get; }

    public int HttpPort { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

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

    /// <summary>Resident memory of the process now, from /proc.</summary>
    public long ResidentBytes
    {
        get
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
                }
            }

            return 0;
        }
    }

    public static TanksProcess Start(string name, string dll, int httpPort, IReadOnlyDictionary<string, string> environment)
    {
        var process = new Process { StartInfo = DllStartInfo(dll, environment), EnableRaisingEvents = true };
        var result = new TanksProcess(process, name, httpPort);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>How every test process is started: <c>dotnet app.dll</c> in its own folder, Production, output redirected.</summary>
    internal static ProcessStartInfo DllStartInfo(string dll, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200, or fails with the process's output.</summary>
    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        while (deadline.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                var response = await http.GetAsync($"http://127.0.0.1:{HttpPort}/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} not ready after {limit}:\n{Output}");
    }

    /// <summary>Stops the process the hard way (SIGKILL), as a crash or a lost node would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
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
            // Bounded: a test log flood must not exhaust the test host.
            if (_output.Length < 8 * 1024 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }
}
