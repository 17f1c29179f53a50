using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tanks.Client.Auth;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Gateway;

/// <summary>Rate limits, connection caps, timeouts, PROXY protocol and TLS, each on a gateway of its own against the shared silo.</summary>
[Collection(SharedStackCollection.Name)]
public sealed class TcpGatewayDefenceTests(SharedStack shared)
{
    private const string Password = "correct horse battery";

    private static string NewName() => "d" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Auth_requests_beyond_the_per_address_burst_are_rate_limited_and_other_addresses_are_not()
    {
        var gateway = await shared.Stack.StartTcpGatewayAsync(new Dictionary<string, string>
        {
            ["TcpGateway__AuthBurstPerAddress"] = "3",
            ["TcpGateway__AuthRequestsPerMinutePerAddress"] = "1",
        });
        var limited = IPAddress.Parse("127.0.0.21");
        await using var client = await AuthClient.ConnectAsync("127.0.0.1", gateway.Port, new AuthClientOptions { LocalAddress = limited });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("invalid_credentials", (await client.LoginAsync(NewName(), Password)).ErrorCode);
        }

        var rejected = await client.LoginAsync(NewName(), Password);
        var ping = await client.PingAsync();
        await using var other = await AuthClient.ConnectAsync("127.0.0.1", gateway.Port, new AuthClientOptions { LocalAddress = IPAddress.Parse("127.0.0.22") });
        var fromOther = await other.LoginAsync(NewName(), Password);

        Assert.Equal("rate_limited", rejected.ErrorCode);
        Assert.True(rejected.Raw.GetProperty("error").GetProperty("retryAfter").GetInt32() >= 1);
        Assert.True(ping.Ok); // ping is not limited
        Assert.Equal("invalid_credentials", fromOther.ErrorCode);
        using var http = new HttpClient();
        Assert.Contains("tanks_tcp_rejections_total{reason=\"rate_limited\"} 1",
            await http.GetStringAsync($"http://127.0.0.1:{gateway.MetricsPort}/metrics"));
    }

    [Fact]
    public async Task Connections_beyond_the_per_address_cap_are_refused()
    {
        var gateway = await shared.Stack.StartTcpGatewayAsync(new Dictionary<string, string> { ["TcpGateway__MaxConnectionsPerAddress"] = "2" });
        var from = IPAddress.Parse("127.0.0.23");
        using var first = await RawConnection.OpenAsync(gateway.Port, from);
        using var second = await RawConnection.OpenAsync(gateway.Port, from);
        JsonAssert.IsOk(await first.RequestAsync("{\"op\":\"ping\"}"));
        JsonAssert.IsOk(await second.RequestAsync("{\"op\":\"ping\"}"));

        using var third = await RawConnection.OpenAsync(gateway.Port, from);
        JsonAssert.IsError(await third.ReadFrameAsync(), "too_many_connections");
        Assert.True(await third.IsClosedByServerAsync());

        using var elsewhere = await RawConnection.OpenAsync(gateway.Port, IPAddress.Parse("127.0.0.24"));
        JsonAssert.IsOk(await elsewhere.RequestAsync("{\"op\":\"ping\"}"));

        first.Dispose();
        await WaitUntilAsync(async () =>
        {
            using var again = await RawConnection.OpenAsync(gateway.Port, from);
            await again.SendFrameAsync("{\"op\":\"ping\"}");
            var answer = await again.ReadFrameAsync();
            return answer?.GetProperty("ok").GetBoolean() == true;
        });
    }

    // End to end only what cannot race: a connection that sends nothing, and one that stops mid-frame, each get the
    // timeout error and the close (bounded waits far above the 1 s limits). The exact deadlines, the trickle and
    // "activity keeps a connection open" run on a fake clock in AuthConnectionTimeoutTests.
    [Fact]
    public async Task Idle_connections_and_slowloris_trickles_are_closed_with_a_timeout_error()
    {
        var gateway = await shared.Stack.StartTcpGatewayAsync(new Dictionary<string, string>
        {
            ["TcpGateway__IdleTimeout"] = "00:00:01",
            ["TcpGateway__FrameTimeout"] = "00:00:01",
        });

        using var idle = await RawConnection.OpenAsync(gateway.Port);
        JsonAssert.IsError(await idle.ReadFrameAsync(TimeSpan.FromSeconds(30)), "timeout");
        Assert.True(await idle.IsClosedByServerAsync());

        // Half a frame, then nothing: the frame never completes.
        using var trickle = await RawConnection.OpenAsync(gateway.Port);
        var frame = Tanks.Protocol.Auth.AuthFrame.Encode(Encoding.UTF8.GetBytes("{\"op\":\"ping\",\"id\":1}"));
        await trickle.SendAsync(frame.AsMemory(0, frame.Length / 2));
        JsonAssert.IsError(await trickle.ReadFrameAsync(TimeSpan.FromSeconds(30)), "timeout");
        Assert.True(await trickle.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Behind_a_proxy_the_limits_see_the_address_from_the_proxy_header()
    {
        var gateway = await shared.Stack.StartTcpGatewayAsync(new Dictionary<string, string>
        {
            ["TcpGateway__ProxyProtocol"] = "true",
            ["TcpGateway__MaxConnectionsPerAddress"] = "1",
        });

        // Both connections come from 127.0.0.1 (the "proxy"), but carry different client addresses.
        using var alice = await RawConnection.OpenAsync(gateway.Port);
        await alice.SendAsync(Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.7 127.0.0.1 40001 8888\r\n"));
        JsonAssert.IsOk(await alice.RequestAsync("{\"op\":\"ping\"}"));
        using var bob = await RawConnection.OpenAsync(gateway.Port);
        await bob.SendAsync(Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.8 127.0.0.1 40002 8888\r\n"));
        JsonAssert.IsOk(await bob.RequestAsync("{\"op\":\"ping\"}"));

        // A second connection of the same client address is over its cap of one.
        using var aliceAgain = await RawConnection.OpenAsync(gateway.Port);
        await aliceAgain.SendAsync(Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.7 127.0.0.1 40003 8888\r\n"));
        JsonAssert.IsError(await aliceAgain.ReadFrameAsync(), "too_many_connections");

        // Without a valid header the connection is dropped unanswered.
        using var noHeader = await RawConnection.OpenAsync(gateway.Port);
        await noHeader.SendFrameAsync("{\"op\":\"ping\"}");
        Assert.Null(await noHeader.ReadFrameAsync());
    }

    [Fact]
    public async Task With_a_pem_certificate_the_protocol_runs_over_tls()
    {
        var dir = Directory.CreateTempSubdirectory("tanks-tls-").FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(Path.Combine(dir, "cert.pem"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), key.ExportPkcs8PrivateKeyPem());

        var gateway = await shared.Stack.StartTcpGatewayAsync(new Dictionary<string, string>
        {
            ["TcpGateway__TlsCertificatePath"] = Path.Combine(dir, "cert.pem"),
            ["TcpGateway__TlsKeyPath"] = Path.Combine(dir, "key.pem"),
        });
        var thumbprint = certificate.GetCertHashString();
        await using var client = await AuthClient.ConnectAsync("127.0.0.1", gateway.Port, new AuthClientOptions
        {
            TlsServerName = "localhost",
            CertificateValidation = (_, cert, _, _) => cert?.GetCertHashString() == thumbprint,
        });

        var name = NewName();
        Assert.True((await client.RegisterAsync(name, Password)).Ok);
        Assert.True((await client.LoginAsync(name, Password)).Ok);

        // Plain TCP to a TLS port gets no protocol answer.
        using var plain = await RawConnection.OpenAsync(gateway.Port);
        await plain.SendFrameAsync("{\"op\":\"ping\"}");
        Assert.Null(await plain.ReadFrameAsync(TimeSpan.FromSeconds(5)));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 50; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("condition not met within 5 s");
    }
}
