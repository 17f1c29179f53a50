using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Tanks.Ops.Tests.Infrastructure;

namespace Tanks.Ops.Tests;

/// <summary>
/// deploy/redis/backup.sh and restore.sh against a real redis-server started on a free loopback port in a temp
/// dir with the repo's redis.conf (AOF on).
/// </summary>
public sealed class RedisBackupTests
{
    private static readonly string BackupSh = Repo.Path("deploy", "redis", "backup.sh");
    private static readonly string RestoreSh = Repo.Path("deploy", "redis", "restore.sh");

    [Fact]
    public void Backup_then_restore_brings_every_key_back()
    {
        using var redis = new RedisFixture();
        for (var i = 0; i < 300; i++)
        {
            redis.Cli("SET", $"user:{i}", $"value-{i}");
        }

        redis.Cli("HSET", "grain:session", "tick", "42", "players", "14");
        redis.Cli("RPUSH", "queue", "a", "b", "c");
        var r = redis.Backup();
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("backup: OK", r.StdOut);

        var latest = Path.Combine(redis.BackupDir, "latest");
        var dir = new DirectoryInfo(latest).ResolveLinkTarget(true)?.FullName ?? latest;
        Assert.Matches(@"^\d{8}T\d{6}Z$", Path.GetFileName(dir));
        var manifest = ReadManifest(dir);
        Assert.Contains("dump.rdb", manifest.Keys);
        Assert.Contains("backup.info", manifest.Keys);
        Assert.Contains(manifest.Keys, k => k.StartsWith("appendonlydir/", StringComparison.Ordinal) && k.EndsWith(".manifest", StringComparison.Ordinal));
        Assert.Contains(manifest.Keys, k => k.StartsWith("appendonlydir/", StringComparison.Ordinal) && k.Contains(".incr.aof", StringComparison.Ordinal));
        foreach (var (file, hash) in manifest)
        {
            Assert.Equal(hash, Sha256(Path.Combine(dir, file)));
        }

        var files = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f)).Where(f => f != "SHA256SUMS");
        Assert.Equal(files.Order(StringComparer.Ordinal), manifest.Keys.Order(StringComparer.Ordinal));
        Assert.Single(Directory.GetDirectories(Path.Combine(redis.BackupDir, "daily")));
        var prom = File.ReadAllText(Path.Combine(redis.BackupDir, "metrics", "tanks_backup.prom"));
        Assert.Contains("tanks_backup_last_run_success 1", prom);
        Assert.Matches(@"tanks_backup_last_success_timestamp_seconds [1-9]\d+", prom);

        // Refused while the server still runs.
        r = redis.Restore("latest");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("stop it first", r.StdErr);

        redis.Cli("FLUSHALL");
        Assert.Equal("0", redis.Cli("DBSIZE"));
        redis.Stop();
        r = redis.Restore("latest");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("OK: restored", r.StdOut);
        redis.Start();
        Assert.Equal("302", redis.Cli("DBSIZE"));
        Assert.Equal("value-123", redis.Cli("GET", "user:123"));
        Assert.Equal("42", redis.Cli("HGET", "grain:session", "tick"));
        Assert.Equal("3", redis.Cli("LLEN", "queue"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Restore_refuses_a_corrupted_backup_and_changes_nothing(bool checksumsRewritten)
    {
        using var redis = new RedisFixture();
        for (var i = 0; i < 200; i++)
        {
            redis.Cli("SET", $"k{i}", new string('x', 64) + i.ToString(CultureInfo.InvariantCulture));
        }

        var r = redis.Backup();
        Assert.True(r.ExitCode == 0, r.ToString());
        redis.Cli("SET", "after-backup", "1");
        redis.Stop();

        var backup = Directory.GetDirectories(Path.Combine(redis.BackupDir, "hourly")).Single();
        var rdb = Path.Combine(backup, "dump.rdb");
        var bytes = File.ReadAllBytes(rdb);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(rdb, bytes);
        if (checksumsRewritten)
        {
            // Only redis-check-rdb can notice now.
            var sums = File.ReadAllLines(Path.Combine(backup, "SHA256SUMS"))
                .Select(l => l.EndsWith("  dump.rdb", StringComparison.Ordinal) ? $"{Sha256(rdb)}  dump.rdb" : l);
            File.WriteAllLines(Path.Combine(backup, "SHA256SUMS"), sums);
        }

        var before = Snapshot(redis.DataDir);
        r = redis.Restore(Path.GetFileName(backup));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(checksumsRewritten ? "redis-check-rdb rejected" : "checksum verification failed", r.StdErr);
        Assert.Contains("nothing in", r.StdErr);
        Assert.Equal(before, Snapshot(redis.DataDir));

        redis.Start();
        Assert.Equal("1", redis.Cli("GET", "after-backup"));
    }

    [Fact]
    public void Retention_keeps_the_newest_hourly_backups()
    {
        using var redis = new RedisFixture();
        redis.Cli("SET", "a", "1");
        for (var i = 0; i < 3; i++)
        {
            var r = redis.Backup(("BACKUP_KEEP_HOURLY", "2"), ("BACKUP_KEEP_DAILY", "1"));
            Assert.True(r.ExitCode == 0, r.ToString());
        }

        var hourly = Directory.GetDirectories(Path.Combine(redis.BackupDir, "hourly")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, hourly.Count);
        Assert.Single(Directory.GetDirectories(Path.Combine(redis.BackupDir, "daily")));
        var latest = new DirectoryInfo(Path.Combine(redis.BackupDir, "latest")).ResolveLinkTarget(true)!.FullName;
        Assert.Equal(hourly[^1], Path.GetFileName(latest));
    }

    [Fact]
    public void Backup_fails_clearly_when_redis_is_unreachable()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.File("data"));
        var r = Proc.Run(Tools.Bash, [BackupSh], new Dictionary<string, string?>
        {
            ["REDIS_HOST"] = "127.0.0.1",
            ["REDIS_PORT"] = Proc.FreeTcpPort().ToString(CultureInfo.InvariantCulture),
            ["REDIS_DATA_DIR"] = tmp.File("data"),
            ["BACKUP_DIR"] = tmp.File("backup"),
        }, TimeSpan.FromSeconds(60));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("backup FAILED: Redis at 127.0.0.1", r.StdErr);
        Assert.Contains("tanks_backup_last_run_success 0", File.ReadAllText(tmp.File("backup", "metrics", "tanks_backup.prom")));
        Assert.Empty(Directory.GetDirectories(tmp.File("backup", "hourly")));
    }

    private static Dictionary<string, string> ReadManifest(string dir) =>
        File.ReadAllLines(Path.Combine(dir, "SHA256SUMS")).Where(l => l.Length > 0)
            .ToDictionary(l => l[66..], l => l[..64], StringComparer.Ordinal);

    private static string Sha256(string file)
    {
        using var f = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    private static string Snapshot(string dir) => string.Join("\n",
        Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => File.Exists(f) ? $"{Path.GetRelativePath(dir, f)} {Sha256(f)}" : Path.GetRelativePath(dir, f) + "/"));

    /// <summary>
    /// A redis-server on a free loopback port with the repo's redis.conf (dir and ACL file moved to a temp dir), started
    /// as the chart and compose start it, through redis-start.sh: only user <c>tanks</c> with <see cref="Password"/>.
    /// </summary>
    internal sealed class RedisFixture : IDisposable
    {
        private readonly TempDir _tmp = new("tanks-redis-");
        private readonly int _port = Proc.FreeTcpPort();
        private Process? _server;

        public RedisFixture()
        {
            Directory.CreateDirectory(DataDir);
            var conf = Repo.Read("deploy", "redis", "redis.conf");
            Assert.Contains("\ndir /data\n", conf);
            Assert.Contains("\naclfile /run/redis/users.acl\n", conf);
            File.WriteAllText(_tmp.File("redis.conf"), conf
                .Replace("\ndir /data\n", $"\ndir {DataDir}\n", StringComparison.Ordinal)
                .Replace("\naclfile /run/redis/users.acl\n", $"\naclfile {AclFile}\n", StringComparison.Ordinal));
            Start();
        }

        public const string User = "tanks";

        public string Password { get; } = "redis-" + Guid.NewGuid().ToString("N");

        public string AclFile => _tmp.File("users.acl");

        public int Port => _port;

        /// <summary>What redis-start.sh needs (the chart's Redis container has the same).</summary>
        public Dictionary<string, string?> StartEnvironment => new()
        {
            ["REDIS_PASSWORD"] = Password,
            ["REDIS_USER"] = User,
            ["REDIS_ACL_FILE"] = AclFile,
            ["REDIS_SERVER"] = Tools.RedisServer,
        };

        public string DataDir => _tmp.File("data");

        public string BackupDir => _tmp.File("backup");

        private string PortText => _port.ToString(CultureInfo.InvariantCulture);

        public void Start()
        {
            _server = Proc.Start("sh", [Repo.Path("deploy", "redis", "redis-start.sh"), _tmp.File("redis.conf"), "--port", PortText, "--bind", "127.0.0.1"],
                env: StartEnvironment);
            for (var i = 0; i < 100; i++)
            {
                if (!_server.HasExited && TryCli(out var pong, "PING") && pong == "PONG")
                {
                    return;
                }

                Thread.Sleep(100);
            }

            throw new InvalidOperationException("redis-server did not start");
        }

        public void Stop()
        {
            if (_server is null)
            {
                return;
            }

            // SHUTDOWN NOSAVE: the AOF (appendfsync everysec) is flushed, no new RDB is written.
            TryCli(out _, "SHUTDOWN", "NOSAVE");
            if (!_server.WaitForExit(10_000))
            {
                Proc.Stop(_server);
            }

            _server.Dispose();
            _server = null;
        }

        public string Cli(params string[] args)
        {
            Assert.True(TryCli(out var output, args), $"redis-cli {string.Join(' ', args)} failed: {output}");
            return output;
        }

        private bool TryCli(out string output, params string[] args)
        {
            // The password in REDISCLI_AUTH, as the jobs pass it: never on a command line.
            var r = Proc.Run(Tools.RedisCli, ["-h", "127.0.0.1", "-p", PortText, "--user", User, .. args],
                new Dictionary<string, string?> { ["REDISCLI_AUTH"] = Password }, TimeSpan.FromSeconds(15));
            output = r.StdOut.Trim();
            return r.ExitCode == 0 && !output.StartsWith("ERR", StringComparison.Ordinal) && !r.StdErr.Contains("Could not connect", StringComparison.Ordinal);
        }

        public ProcResult Backup(params (string Key, string Value)[] extra) => Script(BackupSh, [], extra);

        public ProcResult Restore(string backup) => Script(RestoreSh, [backup], []);

        private ProcResult Script(string script, string[] args, (string Key, string Value)[] extra)
        {
            var env = new Dictionary<string, string?>
            {
                ["REDIS_HOST"] = "127.0.0.1",
                ["REDIS_PORT"] = PortText,
                ["REDIS_USER"] = User,
                ["REDISCLI_AUTH"] = Password,
                ["REDIS_DATA_DIR"] = DataDir,
                ["BACKUP_DIR"] = BackupDir,
                ["BACKUP_TIMEOUT_SECONDS"] = "60",
            };
            foreach (var (k, v) in extra)
            {
                env[k] = v;
            }

            return Proc.Run(Tools.Bash, [script, .. args], env, TimeSpan.FromSeconds(120));
        }

        public void Dispose()
        {
            Stop();
            _tmp.Dispose();
        }
    }
}
