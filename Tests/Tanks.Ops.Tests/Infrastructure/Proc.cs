using System.Diagnostics;
using System.Text;

namespace Tanks.Ops.Tests.Infrastructure;

public sealed record ProcResult(int ExitCode, string StdOut, string StdErr)
{
    public string All => StdOut + StdErr;

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}

/// <summary>Runs external processes, each bounded by a timeout (killed with its children when exceeded).</summary>
public static class Proc
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    public static ProcResult Run(string file, IEnumerable<string> args, IDictionary<string, string?>? env = null,
        TimeSpan? timeout = null, string? workDir = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? Repo.Root,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (env is not null)
        {
            foreach (var (k, v) in env)
            {
                if (v is null)
                {
                    psi.Environment.Remove(k);
                }
                else
                {
                    psi.Environment[k] = v;
                }
            }
        }

        using var p = new Process { StartInfo = psi };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        p.Start();
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var limit = timeout ?? DefaultTimeout;
        if (!p.WaitForExit(limit))
        {
            try
            {
                p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            p.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {limit}:\n{stdout}\n{stderr}");
        }

        p.WaitForExit(); // flush async readers
        return new ProcResult(p.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Starts a long-running process (a server); the caller stops it with <see cref="Stop"/>.</summary>
    public static Process Start(string file, IEnumerable<string> args, string? workDir = null, IDictionary<string, string?>? env = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? Repo.Root,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            psi.Environment[k] = v;
        }

        var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public static void Stop(Process? p)
    {
        if (p is null)
        {
            return;
        }

        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        p.Dispose();
    }

    public static int FreeTcpPort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static int FreeUdpPort()
    {
        using var s = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)s.Client.LocalEndPoint!).Port;
    }
}

/// <summary>A temporary directory removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "tanks-ops-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
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
