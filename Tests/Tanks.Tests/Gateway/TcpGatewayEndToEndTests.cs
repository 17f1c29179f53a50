using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tanks.Client.Auth;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Gateway;

/// <summary>Every op and every request-level error code of the TCP protocol, over a real socket against a running silo.</summary>
[Collection(SharedStackCollection.Name)]
public sealed class TcpGatewayEndToEndTests(SharedStack shared)
{
    private const string Password = "correct horse battery";

    private static string NewName() => "p" + Guid.NewGuid().ToString("N")[..12];

    private Task<AuthClient> ConnectAsync() => AuthClient.ConnectAsync("127.0.0.1", shared.Gateway.Port);

    [Fact]
    public async Task Ping_answers_with_the_id_and_server_time()
    {
        await using var client = await ConnectAsync();
        var result = await client.PingAsync();

        Assert.True(result.Ok);
        Assert.Equal(1, result.Raw.GetProperty("id").GetInt64());
        var serverTime = DateTimeOffset.FromUnixTimeMilliseconds(result.Raw.GetProperty("serverTime").GetInt64());
        Assert.InRange(serverTime, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task String_ids_are_echoed_and_absent_ids_stay_absent()
    {
        using var raw = await RawConnection.OpenAsync(shared.Gateway.Port);
        var withString = await raw.RequestAsync("{\"op\":\"ping\",\"id\":\"abc-1\"}");
        var without = await raw.RequestAsync("{\"op\":\"ping\"}");

        Assert.Equal("abc-1", withString.GetProperty("id").GetString());
        Assert.False(without.TryGetProperty("id", out _));
    }

    [Fact]
    public async Task Register_login_refresh_logout_work_end_to_end_with_valid_jwts()
    {
        var name = NewName();
        await using var client = await ConnectAsync();

        var registered = (await client.RegisterAsync(name.ToUpperInvariant(), Password)).RequireSession();
        var login = (await client.LoginAsync(name, Password)).RequireSession();
        var refreshed = (await client.RefreshAsync(login.RefreshToken)).RequireSession();
        var replayed = await client.RefreshAsync(login.RefreshToken);
        var logout = await client.LogoutAsync(refreshed.RefreshToken);
        var afterLogout = await client.RefreshAsync(refreshed.RefreshToken);

        Assert.Equal(name, registered.Username); // normalized to lower case
        Assert.Equal(registered.UserId, login.UserId);
        Assert.Equal(login.UserId, refreshed.UserId);
        Assert.Equal(900, login.ExpiresIn);
        Assert.Equal("invalid_token", replayed.ErrorCode);
        Assert.True(logout.Ok);
        Assert.Equal("invalid_token", afterLogout.ErrorCode);

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(login.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = "tanks",
            ValidAudience = "tanks-game",
            IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(shared.Gateway.JwtKey)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal(login.UserId.ToString(), validation.ClaimsIdentity.FindFirst("sub")!.Value);
        var expires = ((JsonWebToken)validation.SecurityToken).ValidTo;
        Assert.InRange(expires, DateTime.UtcNow.AddMinutes(14), DateTime.UtcNow.AddMinutes(16));
    }

    [Fact]
    public async Task Account_errors_have_their_stable_codes()
    {
        var name = NewName();
        await using var client = await ConnectAsync();
        await client.RegisterAsync(name, Password);

        Assert.Equal("user_exists", (await client.RegisterAsync(name, Password)).ErrorCode);
        Assert.Equal("invalid_username", (await client.RegisterAsync("no", Password)).ErrorCode);
        Assert.Equal("invalid_username", (await client.RegisterAsync("bad-name!", Password)).ErrorCode);
        Assert.Equal("weak_password", (await client.RegisterAsync(NewName(), "short")).ErrorCode);
        Assert.Equal("weak_password", (await client.RegisterAsync(NewName(), new string('x', 129))).ErrorCode);
        Assert.Equal("invalid_credentials", (await client.LoginAsync(name, "wrong password")).ErrorCode);
        Assert.Equal("invalid_credentials", (await client.LoginAsync(NewName(), Password)).ErrorCode);
        Assert.Equal("invalid_credentials", (await client.LoginAsync("x", Password)).ErrorCode);
        Assert.Equal("invalid_token", (await client.RefreshAsync("rt1.nobody_here.AAAA")).ErrorCode);
        Assert.Equal("invalid_token", (await client.RefreshAsync("not a token")).ErrorCode);
        Assert.True((await client.LogoutAsync("not a token")).Ok);
    }

    [Fact]
    public async Task Lockout_says_locked_out_and_until_when()
    {
        var name = NewName();
        await using var client = await ConnectAsync();
        await client.RegisterAsync(name, Password);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("invalid_credentials", (await client.LoginAsync(name, "wrong password")).ErrorCode);
        }

        var locked = await client.LoginAsync(name, "wrong password");
        var lockedRight = await client.LoginAsync(name, Password);

        Assert.Equal("locked_out", locked.ErrorCode);
        Assert.Equal("locked_out", lockedRight.ErrorCode);
        var until = lockedRight.Raw.GetProperty("error").GetProperty("lockedUntil").GetDateTimeOffset();
        Assert.InRange(until, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
    }

    [Theory]
    [InlineData("{\"op\":\"dance\"}")]
    [InlineData("{\"op\":42}")]
    [InlineData("{}")]
    [InlineData("{\"op\":\"login\",\"username\":\"someone\"}")]
    [InlineData("{\"op\":\"login\",\"username\":7,\"password\":\"x\"}")]
    [InlineData("{\"op\":\"refresh\"}")]
    [InlineData("{\"op\":\"logout\",\"refreshToken\":[]}")]
    public async Task Well_formed_but_wrong_requests_get_bad_request_and_the_connection_stays_open(string json)
    {
        using var raw = await RawConnection.OpenAsync(shared.Gateway.Port);
        JsonAssert.IsError(await raw.RequestAsync(json), "bad_request");
        JsonAssert.IsOk(await raw.RequestAsync("{\"op\":\"ping\"}"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    [InlineData("{\"op\":\"ping\",\"id\":{\"nested\":1}}")]
    [InlineData("{\"op\":\"ping\"")]
    [InlineData("{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}")]
    public async Task Malformed_frames_get_bad_request_and_the_connection_is_closed(string json)
    {
        using var raw = await RawConnection.OpenAsync(shared.Gateway.Port);
        JsonAssert.IsError(await raw.RequestAsync(json), "bad_request");
        Assert.True(await raw.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Invalid_utf8_gets_bad_request_and_close()
    {
        using var raw = await RawConnection.OpenAsync(shared.Gateway.Port);
        await raw.SendAsync(Tanks.Protocol.Auth.AuthFrame.Encode([.. "{\"op\":\""u8, 0xC3, 0x28, .. "\"}"u8]));
        JsonAssert.IsError(await raw.ReadFrameAsync(), "bad_request");
        Assert.True(await raw.IsClosedByServerAsync());
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0x40, 0x01 })] // 16385
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0, 0, 0, 0 })]
    public async Task Out_of_range_lengths_get_frame_too_large_and_close(byte[] header)
    {
        using var raw = await RawConnection.OpenAsync(shared.Gateway.Port);
        await raw.SendAsync(header);
        JsonAssert.IsError(await raw.ReadFrameAsync(), "frame_too_large");
        Assert.True(await raw.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Several_frames_in_one_packet_are_answered_in_order()
    {
        using var raw = await RawConnection.OpenAsync(shared.Gateway.Port);
        var bytes = Enumerable.Range(1, 5)
            .SelectMany(i => Tanks.Protocol.Auth.AuthFrame.Encode(System.Text.Encoding.UTF8.GetBytes($"{{\"op\":\"ping\",\"id\":{i}}}")))
            .ToArray();
        await raw.SendAsync(bytes);
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(i, (await raw.ReadFrameAsync())!.Value.GetProperty("id").GetInt32());
        }
    }

    [Fact]
    public async Task Metrics_count_requests_by_op_and_result()
    {
        await using var client = await ConnectAsync();
        await client.LoginAsync(NewName(), Password);
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{shared.Gateway.MetricsPort}/metrics");

        Assert.Contains("tanks_tcp_requests_total{op=\"login\",result=\"invalid_credentials\"}", metrics);
        Assert.Contains("tanks_tcp_connections_open", metrics);
        Assert.Contains("tanks_tcp_request_duration_seconds_bucket{op=\"login\"", metrics);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{shared.Gateway.MetricsPort}/health/live")).StatusCode);
    }

    [Fact]
    public async Task Passwords_and_tokens_never_appear_in_any_log()
    {
        var name = NewName();
        const string secretPassword = "Zebra-Quartz-Lantern-91";
        await using var client = await ConnectAsync();
        var session = (await client.RegisterAsync(name, secretPassword)).RequireSession();
        await client.LoginAsync(name, secretPassword + "x");
        var refreshed = (await client.RefreshAsync(session.RefreshToken)).RequireSession();
        await Task.Delay(500); // let the processes flush their console

        var logs = shared.Stack.AllOutput;
        Assert.Contains(name, logs); // the registration is logged, so the scan below looks at real output
        Assert.DoesNotContain("Zebra-Quartz", logs);
        Assert.DoesNotContain(session.RefreshToken.Split('.')[2], logs);
        Assert.DoesNotContain(refreshed.RefreshToken.Split('.')[2], logs);
        Assert.DoesNotContain(session.AccessToken.Split('.')[2], logs);
    }
}
