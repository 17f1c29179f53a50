using System.Text;
using System.Text.Json;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Gateway;

/// <summary>
/// The login defence through a real Gateway.Tcp and silo behind a PROXY-protocol front: failed logins count per
/// client address (the header's, not the proxy's) and a made-up name answers exactly as a real account does.
/// </summary>
[Collection(SharedStackCollection.Name)]
public sealed class LoginDefenceTests(SharedStack shared)
{
    private const string Password = "ld-right-password-7c1e";
    private const string WrongPassword = "ld-wrong-password-93af";

    private static string NewName() => "l" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Behind_a_proxy_failed_logins_lock_the_header_address_alike_for_a_real_and_a_made_up_name_and_the_owner_still_logs_in()
    {
        var gateway = await shared.Stack.StartTcpGatewayAsync(new Dictionary<string, string> { ["TcpGateway__ProxyProtocol"] = "true" });
        var real = NewName();
        var madeUp = NewName();
        using (var owner = await ProxiedAsync(gateway.Port, "198.51.100.7", 40001))
        {
            JsonAssert.IsOk(await owner.RequestAsync(Login("register", real, Password)));
        }

        // Every connection comes from 127.0.0.1 (the "proxy"); only the PROXY header tells the clients apart.
        using var attacker = await ProxiedAsync(gateway.Port, "203.0.113.66", 40002);
        var realAnswers = new List<JsonElement>();
        var madeUpAnswers = new List<JsonElement>();
        for (var i = 0; i < 6; i++)
        {
            realAnswers.Add((await attacker.RequestAsync(Login("login", real, WrongPassword))).GetProperty("error"));
            madeUpAnswers.Add((await attacker.RequestAsync(Login("login", madeUp, WrongPassword))).GetProperty("error"));
        }

        string[] expected = ["invalid_credentials", "invalid_credentials", "invalid_credentials", "invalid_credentials", "locked_out", "locked_out"];
        Assert.Equal(expected, realAnswers.Select(e => e.GetProperty("code").GetString()));
        Assert.Equal(expected, madeUpAnswers.Select(e => e.GetProperty("code").GetString()));
        Assert.Equal(realAnswers.Select(Fields), madeUpAnswers.Select(Fields));
        JsonAssert.IsError(await attacker.RequestAsync(Login("login", real, Password)), "locked_out");

        using var ownerAgain = await ProxiedAsync(gateway.Port, "198.51.100.7", 40003);
        JsonAssert.IsOk(await ownerAgain.RequestAsync(Login("login", real, Password)));

        var output = shared.Stack.AllOutput;
        Assert.DoesNotContain(Password, output);
        Assert.DoesNotContain(WrongPassword, output);

        static string Fields(JsonElement error) => string.Join(",", error.EnumerateObject().Select(p => p.Name));
    }

    private static async Task<RawConnection> ProxiedAsync(int port, string client, int clientPort)
    {
        var connection = await RawConnection.OpenAsync(port);
        await connection.SendAsync(Encoding.ASCII.GetBytes($"PROXY TCP4 {client} 127.0.0.1 {clientPort} 8888\r\n"));
        return connection;
    }

    private static string Login(string op, string name, string password)
        => JsonSerializer.Serialize(new Dictionary<string, string> { ["op"] = op, ["username"] = name, ["password"] = password });
}
