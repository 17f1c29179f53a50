using Tanks.Client.Auth;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Persistence;

/// <summary>Accounts on a real redis-server (AOF on) survive the loss of the whole cluster.</summary>
public sealed class RedisPersistenceTests
{
    [Fact]
    public async Task An_account_registered_before_a_full_cluster_restart_still_logs_in()
    {
        await using var redis = await RedisServer.StartAsync();
        const string password = "correct horse battery";
        var name = "r" + Guid.NewGuid().ToString("N")[..12];
        long userId;
        string refreshToken;

        await using (var first = await TanksStack.StartAsync(redis.ConnectionString))
        {
            var gateway = await first.StartTcpGatewayAsync();
            await using var client = await AuthClient.ConnectAsync("127.0.0.1", gateway.Port);
            var session = (await client.RegisterAsync(name, password)).RequireSession();
            userId = session.UserId;
            refreshToken = session.RefreshToken;
            Assert.Contains("Redis mode", first.Silo.Output);
        }

        // Everything is gone but Redis. A new silo and gateway (new processes, same Redis, same service) take over.
        await using var second = await TanksStack.StartAsync(redis.ConnectionString);
        var newGateway = await second.StartTcpGatewayAsync();
        await using var again = await AuthClient.ConnectAsync("127.0.0.1", newGateway.Port);

        var login = (await again.LoginAsync(name, password)).RequireSession();
        var refreshed = await again.RefreshAsync(refreshToken);
        var duplicate = await again.RegisterAsync(name, password);
        var next = (await again.RegisterAsync(name + "b", password)).RequireSession();

        Assert.Equal(userId, login.UserId);
        Assert.True(refreshed.Ok, refreshed.ErrorCode);
        Assert.Equal("user_exists", duplicate.ErrorCode);
        Assert.True(next.UserId > userId, "user ids continue after a restart, never reused");
    }
}
