using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Operations;

/// <summary>Helpers of the operations checks: scraping, the names monitoring/ uses, accounts over TCP, external tools.</summary>
public static class OpsSupport
{
    public static string RepoPath(params string[] parts) => Path.Combine([Repo.Root, .. parts]);

    /// <summary>GET http://127.0.0.1:port/metrics.</summary>
    public static async Task<string> ScrapeAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
    }

    /// <summary>Metric family names in a Prometheus text exposition (from # TYPE lines and sample names).</summary>
    public static HashSet<string> Families(string exposition)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                names.Add(line.Split(' ')[2]);
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                var end = line.IndexOfAny(['{', ' ']);
                names.Add(end < 0 ? line : line[..end]);
            }
        }

        return names;
    }

    /// <summary>Every checked metric name used by a Grafana dashboard query or a Prometheus rule, with where.</summary>
    public static Dictionary<string, string> NamesUsedInMonitoring()
    {
        var used = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(RepoPath("monitoring", "grafana", "dashboards"), "*.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var panel in doc.RootElement.GetProperty("panels").EnumerateArray())
            {
                if (!panel.TryGetProperty("targets", out var targets))
                {
                    continue;
                }

                foreach (var t in targets.EnumerateArray())
                {
                    Collect(t.GetProperty("expr").GetString()!, $"{Path.GetFileName(file)}: {panel.GetProperty("title").GetString()}", used);
                }
            }
        }

        foreach (var file in Directory.GetFiles(RepoPath("monitoring", "prometheus", "rules"), "*.yml").Order(StringComparer.Ordinal))
        {
            // The whole rule file except comments: expressions and the annotations operators read.
            var lines = File.ReadAllLines(file).Where(l => !l.TrimStart().StartsWith('#'));
            Collect(string.Join('\n', lines), Path.GetFileName(file), used);
        }

        return used;
    }

    private static void Collect(string text, string where, Dictionary<string, string> used)
    {
        foreach (Match m in MetricCatalog.CheckedName.Matches(text))
        {
            used.TryAdd(m.Value, where);
        }
    }

    /// <summary>One request/response exchange on a new connection to the auth port.</summary>
    public static async Task<JsonElement> RequestAsync(int port, string json, IPAddress? from = null)
    {
        using var connection = await RawConnection.OpenAsync(port, from);
        return await connection.RequestAsync(json);
    }

    public static string Register(int id, string user, string password) =>
        JsonSerializer.Serialize(new { op = "register", id, username = user, password });

    public static string Login(int id, string user, string password) =>
        JsonSerializer.Serialize(new { op = "login", id, username = user, password });

    /// <summary>Settings for a gateway that tests may hammer from one address.</summary>
    public static Dictionary<string, string> GenerousLimits() => new()
    {
        ["TcpGateway__AuthBurstPerAddress"] = "1000",
        ["TcpGateway__AuthRequestsPerMinutePerAddress"] = "60000",
    };

    /// <summary>Where artifacts (screenshots) go: TestResults/ops-artifacts under the test output directory.</summary>
    public static string ArtifactDir()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "ops-artifacts");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Waits until <paramref name="check"/> holds, polling; false after <paramref name="timeout"/>.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> check, TimeSpan timeout, TimeSpan? every = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            try
            {
                if (await check())
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(250));
        }

        return false;
    }
}

/// <summary>A temporary directory, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "tanks-ops-")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>An external program (prometheus, nginx, a script) with its output kept, killed on dispose.</summary>
public sealed class ExternalProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExternalProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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

    public static ExternalProcess Start(string exe, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, string? workDir = null)
    {
        var info = new ProcessStartInfo(exe, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? Path.GetTempPath(),
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        var process = new Process { StartInfo = info };
        var result = new ExternalProcess(process);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Runs to completion (killed after <paramref name="timeout"/>); returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string exe, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null, string? workDir = null)
    {
        using var p = Start(exe, args, env, workDir);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try
        {
            await p._process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            return (-1, p.Output + "\n(killed: timed out)");
        }

        p._process.WaitForExit(); // drains the output readers
        return (p.ExitCode, p.Output);
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Kill();
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
            if (_output.Length < 4 * 1024 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }
}
