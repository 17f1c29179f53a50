using System.Globalization;
using System.Security.Cryptography;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Operations;

/// <summary>
/// Issue 6 check: backup and restore with a real redis-server holding real accounts. A silo and Gateway.Tcp on
/// Redis register accounts; deploy/redis/backup.sh backs Redis up; the backup verifies; the stack stops and Redis is
/// wiped; a corrupted copy of the backup is refused by deploy/redis/restore.sh without touching the data dir; the
/// real backup is restored; Redis and a fresh stack start on the restored data, and every account logs in again.
/// </summary>
public sealed class BackupRestoreStackTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task Accounts_survive_backup_wipe_and_restore_and_a_corrupted_backup_is_refused()
    {
        var redisCli = RequiredTool.Find("redis-cli", "apt-get install -y redis-tools");
        RequiredTool.Find("redis-check-rdb", "apt-get install -y redis-tools");
        var bash = RequiredTool.Find("bash", "apt-get install -y bash");
        using var work = new TempDirectory("tanks-backup-");
        var dataDir = work.File("data");
        var backupDir = work.File("backup");
        var users = Enumerable.Range(0, 5).Select(i => $"saved_{i}_{Guid.NewGuid().ToString("N")[..6]}").ToList();

        RedisServer? redis = await RedisServer.StartAsync(dataDir);
        var port = redis.Port;
        var scriptEnv = new Dictionary<string, string>
        {
            ["REDIS_HOST"] = "127.0.0.1",
            ["REDIS_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["REDIS_DATA_DIR"] = dataDir,
            ["BACKUP_DIR"] = backupDir,
            ["BACKUP_TIMEOUT_SECONDS"] = "60",
        };
        try
        {
            // 1. Accounts, created through the gateway on a Redis-backed silo.
            await using (var stack = await TanksStack.StartAsync(redis.ConnectionString))
            {
                var gateway = await stack.StartTcpGatewayAsync(OpsSupport.GenerousLimits());
                foreach (var user in users)
                {
                    JsonAssert.IsOk(await OpsSupport.RequestAsync(gateway.Port, OpsSupport.Register(1, user, Password)));
                }

                JsonAssert.IsOk(await OpsSupport.RequestAsync(gateway.Port, OpsSupport.Login(2, users[0], Password)));

                // 2. Back up with the repo's script, and verify what it wrote.
                var backup = await ExternalProcess.RunAsync(bash, [OpsSupport.RepoPath("deploy", "redis", "backup.sh")], scriptEnv);
                Assert.True(backup.ExitCode == 0, backup.Output);
                Assert.Contains("backup: OK", backup.Output);
            }

            var latest = new DirectoryInfo(Path.Combine(backupDir, "latest")).ResolveLinkTarget(true)?.FullName
                ?? throw new InvalidOperationException("no latest link");
            var verify = await ExternalProcess.RunAsync("sha256sum", ["--check", "--strict", "SHA256SUMS"],
                timeout: TimeSpan.FromSeconds(30), workDir: latest);
            Assert.True(verify.ExitCode == 0, verify.Output);
            Assert.Contains("dump.rdb: OK", verify.Output);
            var rdbCheck = await ExternalProcess.RunAsync("redis-check-rdb", [Path.Combine(latest, "dump.rdb")], timeout: TimeSpan.FromSeconds(30));
            Assert.True(rdbCheck.ExitCode == 0, rdbCheck.Output);

            // 3. Wipe: FLUSHALL (the AOF now says "nothing"), then stop Redis.
            Assert.Equal("OK", (await Cli(redisCli, port, "FLUSHALL")).Trim());
            Assert.Equal("0", (await Cli(redisCli, port, "DBSIZE")).Trim());
            await Cli(redisCli, port, "SHUTDOWN", "NOSAVE");
            await redis.DisposeAsync();
            redis = null;

            // 4. A corrupted backup (one byte of the RDB flipped, checksums rewritten to match so that only
            //    redis-check-rdb can tell) is refused, and the data dir is left exactly as it was.
            var corrupt = Path.Combine(backupDir, "hourly", "corrupted");
            CopyDirectory(latest, corrupt);
            var rdb = Path.Combine(corrupt, "dump.rdb");
            var bytes = File.ReadAllBytes(rdb);
            bytes[bytes.Length / 2] ^= 0x5A;
            File.WriteAllBytes(rdb, bytes);
            File.WriteAllLines(Path.Combine(corrupt, "SHA256SUMS"), File.ReadAllLines(Path.Combine(corrupt, "SHA256SUMS"))
                .Select(l => l.EndsWith("  dump.rdb", StringComparison.Ordinal) ? $"{Sha256(rdb)}  dump.rdb" : l));
            var before = Snapshot(dataDir);
            var refused = await ExternalProcess.RunAsync(bash, [OpsSupport.RepoPath("deploy", "redis", "restore.sh"), "corrupted"], scriptEnv);
            Assert.True(refused.ExitCode == 2, refused.Output);
            Assert.Contains("restore REFUSED", refused.Output);
            Assert.Contains("redis-check-rdb rejected", refused.Output);
            Assert.Equal(before, Snapshot(dataDir));

            // 5. Restore the good one.
            var restore = await ExternalProcess.RunAsync(bash, [OpsSupport.RepoPath("deploy", "redis", "restore.sh"), "latest"], scriptEnv);
            Assert.True(restore.ExitCode == 0, restore.Output);
            Assert.Contains("OK: restored", restore.Output);

            // 6. Redis again on the same dir and port, a fresh stack (new cluster id, same service id): every
            //    account logs in with its password, and its name is taken.
            redis = await RedisServer.StartAsync(dataDir, port);
            await using (var stack = await TanksStack.StartAsync(redis.ConnectionString))
            {
                var gateway = await stack.StartTcpGatewayAsync(OpsSupport.GenerousLimits());
                foreach (var user in users)
                {
                    var login = await OpsSupport.RequestAsync(gateway.Port, OpsSupport.Login(3, user, Password));
                    JsonAssert.IsOk(login);
                    Assert.Equal(user, login.GetProperty("username").GetString());
                }

                JsonAssert.IsError(await OpsSupport.RequestAsync(gateway.Port, OpsSupport.Register(4, users[1], Password)), "user_exists");
                JsonAssert.IsError(await OpsSupport.RequestAsync(gateway.Port, OpsSupport.Login(5, users[2], "wrong horse battery")), "invalid_credentials");
            }
        }
        finally
        {
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }
        }
    }

    private static async Task<string> Cli(string redisCli, int port, params string[] args)
    {
        var r = await ExternalProcess.RunAsync(redisCli, ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. args], timeout: TimeSpan.FromSeconds(15));
        return r.Output;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string Sha256(string file)
    {
        using var f = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    private static string Snapshot(string dir) => string.Join("\n",
        Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => File.Exists(f) ? $"{Path.GetRelativePath(dir, f)} {Sha256(f)}" : Path.GetRelativePath(dir, f) + "/"));
}
