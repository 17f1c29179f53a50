using System.Diagnostics;
using System.Net.Sockets;

namespace Tanks.Tests.Infrastructure;

/// <summary>
/// A real redis-server on a free loopback port, in its own temporary directory, AOF on; with a password, as the
/// chart runs it: the default user off, only ACL user <see cref="User"/> with that password.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private readonly bool _ownsDirectory;

    private RedisServer(Process process, int port, string directory, bool ownsDirectory, string? password)
    {
        _process = process;
        Port = port;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        Password = password;
    }

    public const string User = "tanks";

    /// <summary>The ACL user's password, or null: no credentials (the default user, no password).</summary>
    public string? Password { get; }

    /// <summary>The settings a Tanks process needs to log in (<c>Redis__User</c>, <c>Redis__Password</c>); empty without a password.</summary>
    public Dictionary<string, string> Credentials => Password is null ? [] : new()
    {
        ["Redis__User"] = User,
        ["Redis__Password"] = Password,
    };

    public int Port { get; }

    public string Directory { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>
    /// Starts redis-server. By default on a new free port in a new temporary directory that disposing deletes.
    /// With <paramref name="directory"/> (and <paramref name="port"/>) it starts on an existing data directory
    /// (e.g. again after a restore), which is then left in place on dispose.
    /// </summary>
    public static async Task<RedisServer> StartAsync(string? directory = null, int? port = null, string? password = null)
    {
        var exe = RequiredTool.Find("redis-server", "apt-get install -y redis-server");
        var ownsDirectory = directory is null;
        var dir = directory ?? Path.Combine(Path.GetTempPath(), "tanks-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        return await StartAsync(exe, port ?? FreePort.Next(), dir, ownsDirectory, password);
    }

    private static async Task<RedisServer> StartAsync(string exe, int port, string dir, bool ownsDirectory, string? password)
    {
        List<string> args = ["--port", port.ToString(), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes",
             "--appendfsync", "everysec", "--save", "60 1", "--protected-mode", "yes", "--daemonize", "no"];
        if (password is not null)
        {
            var acl = Path.Combine(dir, "users.acl");
            File.WriteAllText(acl, $"user default off\nuser {User} on >{password} ~* &* +@all\n");
            args.AddRange(["--aclfile", acl]);
        }

        var info = new ProcessStartInfo(exe, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port, dir, ownsDirectory, password);
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
