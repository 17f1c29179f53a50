using System.Diagnostics;
using System.Text;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Configuration;

/// <summary>Runs a Tanks process that is expected to stop on its own (a start-up error) and returns its exit code and output.</summary>
internal static class ExitingProcess
{
    public static readonly Dictionary<string, (string Project, string Dll)> Hosts = new()
    {
        ["silo"] = ("Silo", "Tanks.Silo.dll"),
        ["tcp"] = ("Gateway.Tcp", "Tanks.Gateway.Tcp.dll"),
        ["udp"] = ("Gateway.Udp", "Tanks.Gateway.Udp.dll"),
    };

    /// <summary>Free ports for every listener of <paramref name="host"/>, so a test that goes wrong never takes a default port.</summary>
    public static Dictionary<string, string> SafeSettings(string host) => host switch
    {
        "silo" => new()
        {
            ["Cluster__SiloPort"] = FreePort.Next().ToString(),
            ["Cluster__GatewayPort"] = FreePort.Next().ToString(),
            ["Cluster__ClusterId"] = "cfg-" + Guid.NewGuid().ToString("N")[..8],
            ["Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
        },
        "tcp" => new()
        {
            ["TcpGateway__Port"] = FreePort.Next().ToString(),
            ["TcpGateway__MetricsPort"] = FreePort.Next().ToString(),
            ["TcpGateway__ListenAddress"] = "127.0.0.1",
            ["Cluster__GatewayPort"] = FreePort.Next().ToString(),
        },
        _ => new()
        {
            ["UdpGateway__Port"] = TanksStack.FreeUdpPort().ToString(),
            ["UdpGateway__MetricsPort"] = FreePort.Next().ToString(),
            ["UdpGateway__ListenAddress"] = "127.0.0.1",
            ["Cluster__GatewayPort"] = FreePort.Next().ToString(),
        },
    };

    /// <summary>Starts the host with these settings and waits (bounded) for it to exit.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string host, IReadOnlyDictionary<string, string> settings)
    {
        var (project, dll) = Hosts[host];
        var path = Repo.ProcessDll(project, dll);
        var info = new ProcessStartInfo("dotnet", [path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // A process that should stop at once but keeps running is a failure, not a hang: bounded, then killed.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"{host} did not exit within 60 s:\n{Text()}");
        }

        process.WaitForExit(); // drains the redirected output
        return (process.ExitCode, Text());

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        string Text()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }
}
