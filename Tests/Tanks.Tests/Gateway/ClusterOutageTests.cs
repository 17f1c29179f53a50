using System.Diagnostics;
using Tanks.Client.Auth;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Gateway;

/// <summary>When the silo goes away the gateway answers <c>unavailable</c> promptly, and recovers when a silo is back.</summary>
public sealed class ClusterOutageTests
{
    [Fact]
    public async Task Requests_during_a_silo_restart_get_unavailable_and_the_gateway_reconnects()
    {
        await using var stack = await TanksStack.StartAsync();
        var gateway = await stack.StartTcpGatewayAsync(new Dictionary<string, string> { ["TcpGateway__RequestTimeout"] = "00:00:02" });
        await using var client = await AuthClient.ConnectAsync("127.0.0.1", gateway.Port);
        Assert.True((await client.RegisterAsync("before_restart", "correct horse battery")).Ok);

        await stack.Silo.KillAsync();
        var watch = Stopwatch.StartNew();
        var during = await client.LoginAsync("before_restart", "correct horse battery");
        watch.Stop();

        Assert.Equal("unavailable", during.ErrorCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.True((await client.PingAsync()).Ok); // the gateway itself is fine

        await stack.StartSiloAsync();
        AuthResult? after = null;
        for (var i = 0; i < 60 && after?.Ok != true; i++)
        {
            // Embedded mode: the new silo starts empty, so register again.
            after = await client.RegisterAsync("after_restart", "correct horse battery");
            if (!after.Ok)
            {
                Assert.Equal("unavailable", after.ErrorCode);
                await Task.Delay(500);
            }
        }

        Assert.True(after!.Ok, "the gateway did not reconnect within 30 s");
        Assert.False(gateway.Process.HasExited);
    }
}
