using System.Diagnostics;
using System.Net.Sockets;

namespace Tanks.Tests.Infrastructure;

/// <summary>A real redis-server on a free loopback port, in its own temporary directory, AOF on.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private readonly bool _ownsDirectory;

    private RedisServer(Process process, int port, string directory, bool ownsDirectory)
    {
        _process = process;
        Port = port;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
    }

    public int Port { get; }

    public string Directory { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>
    /// Starts redis-server. By default on a new free port in a new temporary directory that disposing deletes.
    /// With <paramref name="directory"/> (and <paramref name="port"/>) it starts on an existing data directory
    /// (e.g. again after a restore), which is then left in place on dispose.
    /// </summary>
    public static async Task<RedisServer> StartAsync(string? directory = null, int? port = null)
    {
        var exe = RequiredTool.Find("redis-server", "apt-get install -y redis-server");
        var ownsDirectory = directory is null;
        var dir = directory ?? Path.Combine(Path.GetTempPath(), "tanks-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        return await StartAsync(exe, port ?? FreePort.Next(), dir, ownsDirectory);
    }

    private static async Task<RedisServer> StartAsync(string exe, int port, string dir, bool ownsDirectory)
    {
        var info = new ProcessStartInfo(exe,
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes",
             "--appendfsync", "everysec", "--save", "60 1", "--protected-mode", "yes", "--daemonize", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port, dir, ownsDirectory);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        await server.DisposeAsync();
        throw new TimeoutException("redis-server did not start");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (!_ownsDirectory)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
