using System.Diagnostics;
using System.Text;
using Tanks.Client.Auth;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Gateway;

/// <summary>
/// Redis dies (SIGKILL) under a running silo and Gateway.Tcp: accounts answer <c>unavailable</c> with an error the
/// gateway can load (the silo's own <c>RedisStorageException</c> once reached it as a <c>TypeLoadException</c>), and
/// once Redis is back on the same port and data the same account logs in again.
/// </summary>
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    // Far above the store's own timeout (StackExchange.Redis: 5 s), so what answers is the silo's translated error,
    // not this deadline; and only an upper bound, never a margin.
    private static readonly TimeSpan GatewayDeadline = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task A_redis_outage_answers_unavailable_and_the_account_logs_in_again_when_redis_returns()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tanks-outage-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = FreePort.Next();
        RedisServer? redis = await RedisServer.StartAsync(directory, port);
        try
        {
            await using var stack = await TanksStack.StartAsync(redis.ConnectionString);
            var gateway = await stack.StartTcpGatewayAsync(new Dictionary<string, string>
            {
                ["TcpGateway__RequestTimeout"] = GatewayDeadline.ToString(),
                ["TcpGateway__AuthBurstPerAddress"] = "100000", // the retry loop below must not meet the rate limit
                ["TcpGateway__AuthRequestsPerMinutePerAddress"] = "1000000",
            });
            await using var client = await AuthClient.ConnectAsync("127.0.0.1", gateway.Port,
                new AuthClientOptions { RequestTimeout = GatewayDeadline + TimeSpan.FromSeconds(20) });
            var password = "outage-" + Guid.NewGuid().ToString("N")[..16];
            var registered = await client.RegisterAsync("outage_user", password);
            Assert.True(registered.Ok, registered.ErrorCode);
            var refreshToken = registered.Session!.RefreshToken;
            await WaitPersistedAsync(directory, "outage_user");

            await redis.DisposeAsync(); // Process.Kill: SIGKILL, no shutdown save; the data directory stays
            redis = null;

            // The account is active, so its writes fail inside grain methods (the call filter's path) ...
            var refresh = await TimedAsync("refresh (active account)", () => client.RefreshAsync(refreshToken));
            var login = await TimedAsync("login (active account)", () => client.LoginAsync("outage_user", password));
            var wrong = await TimedAsync("login, wrong password", () => client.LoginAsync("outage_user", "not-the-password"));
            // ... a new name's state is read while its grain activates, before any filter (the storage wrapper's path).
            var register = await TimedAsync("register (new account)", () => client.RegisterAsync("outage_newcomer", password));
            foreach (var (what, result) in new[] { ("refresh", refresh), ("login", login), ("wrong", wrong), ("register", register) })
            {
                Assert.True(result.ErrorCode == "unavailable", $"{what}: {result.ErrorCode} ({result.ErrorMessage})");
            }

            Assert.True((await client.PingAsync()).Ok); // the connection and the gateway are fine

            redis = await RedisServer.StartAsync(directory, port);
            var recovery = Stopwatch.StartNew();
            AuthResult? after = null;
            while (recovery.Elapsed < TimeSpan.FromSeconds(120))
            {
                after = await client.LoginAsync("outage_user", password);
                if (after.Ok)
                {
                    break;
                }

                Assert.True(after.ErrorCode == "unavailable", $"while Redis comes back: {after.ErrorCode} ({after.ErrorMessage})");
                await Task.Delay(500);
            }

            Assert.True(after?.Ok == true, $"no login within 120 s of Redis coming back: {after?.ErrorCode}");
            output.WriteLine($"login again {recovery.Elapsed.TotalSeconds:F1} s after redis-server restarted");

            // The rotation that failed during the outage was not kept: the token presented then is still the live one
            // (kept, it would now count as a spent token presented again and revoke every session).
            var refreshed = await client.RefreshAsync(refreshToken);
            Assert.True(refreshed.Ok, $"refresh after the outage: {refreshed.ErrorCode} ({refreshed.ErrorMessage})");

            var all = stack.AllOutput;
            Assert.DoesNotContain("TypeLoadException", all);
            Assert.DoesNotContain(password, all);
            Assert.DoesNotContain(refreshToken, all);
            // What the gateway got was the silo's own error, not its deadline.
            Assert.Contains("storage 'accounts' unavailable", gateway.Process.Output);
            Assert.False(stack.Silo.HasExited);
            Assert.False(gateway.Process.HasExited);
        }
        finally
        {
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }

            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task<AuthResult> TimedAsync(string what, Func<Task<AuthResult>> call)
    {
        var watch = Stopwatch.StartNew();
        var result = await call();
        output.WriteLine($"{what}: {result.ErrorCode ?? "ok"} in {watch.Elapsed.TotalSeconds:F2} s");
        Assert.True(watch.Elapsed < GatewayDeadline, $"{what} took {watch.Elapsed}: the gateway's deadline answered, not the silo");
        return result;
    }

    /// <summary>Waits until Redis's append-only file holds the account, so SIGKILL cannot lose it.</summary>
    private static async Task WaitPersistedAsync(string directory, string userName)
    {
        var needle = Encoding.UTF8.GetBytes(userName);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.aof", SearchOption.AllDirectories))
            {
                byte[] bytes;
                try
                {
                    bytes = await File.ReadAllBytesAsync(file);
                }
                catch (IOException)
                {
                    continue;
                }

                if (bytes.AsSpan().IndexOf(needle) >= 0)
                {
                    return;
                }
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the account {userName} never reached the append-only file in {directory}");
    }
}
