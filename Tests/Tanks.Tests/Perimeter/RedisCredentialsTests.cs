using Tanks.Client.Auth;
using Tanks.Tests.Configuration;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Perimeter;

/// <summary>
/// A real redis-server that answers only ACL user <c>tanks</c> with a password (the default user off, as the chart
/// runs it): the silo and both gateways work with the right credentials, and stop at start with one line naming the
/// setting and exit code 2 with wrong or missing ones, never showing a password.
/// </summary>
public sealed class RedisCredentialsTests
{
    private const int ConfigurationError = 2;

    [Fact]
    public async Task With_the_right_password_silo_and_both_gateways_serve_a_register_and_login_round_trip()
    {
        var password = "redis-" + Guid.NewGuid().ToString("N");
        await using var redis = await RedisServer.StartAsync(password: password);
        await using var stack = await TanksStack.StartAsync(redis.ConnectionString, redisSettings: redis.Credentials);
        var tcp = await stack.StartTcpGatewayAsync();
        var udp = await stack.StartUdpGatewayAsync();

        await using var client = await AuthClient.ConnectAsync("127.0.0.1", tcp.Port);
        var user = "acl_" + Guid.NewGuid().ToString("N")[..8];
        var registered = await client.RegisterAsync(user, "correct horse battery");
        Assert.True(registered.Ok, registered.ErrorCode);
        var login = await client.LoginAsync(user, "correct horse battery");
        Assert.True(login.Ok, login.ErrorCode);
        Assert.False(udp.Process.HasExited);
        Assert.Contains("user 'tanks', password ***", stack.Silo.Output);
        Assert.DoesNotContain(password, stack.AllOutput);
    }

    [Theory]
    [InlineData("silo", "wrong")]
    [InlineData("tcp", "wrong")]
    [InlineData("udp", "wrong")]
    [InlineData("silo", "none")]
    [InlineData("tcp", "none")]
    public async Task Rejected_credentials_stop_the_process_at_start_with_code_2_and_one_line_naming_the_setting(string host, string credentials)
    {
        var password = "redis-" + Guid.NewGuid().ToString("N");
        await using var redis = await RedisServer.StartAsync(password: password);
        var settings = ExitingProcess.SafeSettings(host);
        settings["Redis__ConnectionString"] = redis.ConnectionString;
        var wrong = "not-the-password-" + Guid.NewGuid().ToString("N")[..8];
        if (credentials == "wrong")
        {
            settings["Redis__User"] = RedisServer.User;
            settings["Redis__Password"] = wrong;
        }

        var (exitCode, output) = await ExitingProcess.RunAsync(host, settings);

        Assert.True(exitCode == ConfigurationError, $"exit code {exitCode}:\n{output}");
        var line = Assert.Single(output.Split('\n'), l => l.Contains("Redis rejected the credentials", StringComparison.Ordinal));
        Assert.Contains("configuration error", line);
        Assert.Contains("Redis:ConnectionString", line);
        Assert.Contains(credentials == "wrong" ? "Redis:Password" : "set Redis__Password", line);
        Assert.DoesNotContain(wrong, output);
        Assert.DoesNotContain(password, output);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Exception:", output);
    }
}
