using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Tanks.MatchBench;

/// <summary>
/// A redis-server of the bench's own on a free loopback port, in a temporary directory, AOF every second as the tests'
/// (Tests/Tanks.Tests/Infrastructure/RedisServer.cs); killed and deleted on dispose. Its INFO counters are the bench's
/// measure of what the grains write.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private ConnectionMultiplexer? _info;

    private RedisProcess(Process process, int port, string directory)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync(string executable, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var dir = Directory.CreateTempSubdirectory("tanks-matchbench-redis-").FullName;
        var info = new ProcessStartInfo(executable,
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes",
             "--appendfsync", "everysec", "--save", "", "--protected-mode", "yes", "--daemonize", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{executable} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new RedisProcess(process, port, dir);
        try
        {
            var started = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    redis._info = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",abortConnect=true,connectTimeout=1000,allowAdmin=true");
                    return redis;
                }
                catch (RedisConnectionException) when (started.Elapsed < TimeSpan.FromSeconds(15) && !process.HasExited)
                {
                    await Task.Delay(100, cancellationToken);
                }
            }
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>The INFO fields the bench reads (stats, commandstats, memory), as numbers by name.</summary>
    public async Task<RedisCounters> ReadAsync()
    {
        var server = _info!.GetServer(_info.GetEndPoints()[0]);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var section in new[] { "stats", "commandstats", "memory" })
        {
            foreach (var line in (await server.InfoRawAsync(section) ?? "").Split('\n'))
            {
                var colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    continue;
                }

                var name = line[..colon];
                var value = line[(colon + 1)..].Trim();
                if (name.StartsWith("cmdstat_", StringComparison.Ordinal))
                {
                    // cmdstat_evalsha:calls=12,usec=345,usec_per_call=...
                    foreach (var part in value.Split(','))
                    {
                        var eq = part.IndexOf('=');
                        if (eq > 0 && double.TryParse(part[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                        {
                            values[$"{name[8..]}.{part[..eq]}"] = n;
                        }
                    }
                }
                else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    values[name] = number;
                }
            }
        }

        return new RedisCounters(values);
    }

    public async ValueTask DisposeAsync()
    {
        if (_info is not null)
        {
            await _info.DisposeAsync();
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The redis-server to run: the given path, else the first on PATH or in the usual directories.</summary>
    public static string? Find(string? path)
    {
        if (path is not null)
        {
            return File.Exists(path) ? path : null;
        }

        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Append("/usr/sbin").Append("/usr/bin").Append("/usr/local/bin");
        return dirs.Where(d => d.Length > 0).Select(d => Path.Combine(d, "redis-server")).FirstOrDefault(File.Exists);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One reading of redis-server's INFO: <c>total_net_input_bytes</c>, <c>evalsha.calls</c>, <c>used_memory</c>, ...</summary>
public sealed record RedisCounters(IReadOnlyDictionary<string, double> Values)
{
    public double this[string name] => Values.GetValueOrDefault(name);

    /// <summary>Calls of the commands the Orleans Redis storage writes with (its scripts), and their server time.</summary>
    public double WriteCalls => this["evalsha.calls"] + this["eval.calls"];

    public double WriteMicros => this["evalsha.usec"] + this["eval.usec"];
}
