using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Tanks.Client;
using Tanks.Client.Auth;
using Tanks.Client.Netcode;
using Tanks.Protocol.Netcode;
using Tanks.Tests.Infrastructure;
using Tanks.Tests.Udp;

namespace Tanks.Tests.Operations;

/// <summary>
/// Issue 6 check: the real nginx (Debian nginx + libnginx-mod-stream) with the repo's deploy/nginx stream config,
/// rendered for loopback, in front of a real Gateway.Tcp (PROXY protocol on) and silo: register and log in through
/// it, and the gateway sees each client's own address; and the same config in front of both real gateways: log in over
/// TCP and play over UDP (netcode 1.02) through nginx, several clients at once, for longer than a handshake.
/// </summary>
[Collection(SharedStackCollection.Name)]
public sealed class NginxFrontStackTests(SharedStack shared)
{
    private static readonly IPAddress ClientA = IPAddress.Parse("127.0.0.77");
    private static readonly IPAddress ClientB = IPAddress.Parse("127.0.0.78");
    private const string Password = "correct horse battery";

    [Fact]
    public async Task Register_and_login_through_nginx_and_the_gateway_sees_the_client_address_via_proxy_protocol()
    {
        var nginx = RequiredTool.Find("nginx", "apt-get install -y nginx libnginx-mod-stream, or .ci/install-tools.sh");
        var module = StreamModule();
        var gateway = await shared.Stack.StartTcpGatewayAsync(new Dictionary<string, string>(OpsSupport.GenerousLimits())
        {
            ["TcpGateway__ProxyProtocol"] = "true",
            ["TcpGateway__MaxConnectionsPerAddress"] = "1",
        });
        // (The stack's own readiness probe connected without a PROXY header: count from here.)
        var badHeadersBefore = Count(await OpsSupport.ScrapeAsync(gateway.MetricsPort), "tanks_tcp_rejections_total{reason=\"bad_proxy_header\"}");
        using var prefix = new TempDirectory("tanks-nginx-");
        var front = FreePort.Next();
        RenderConfig(prefix, module, front, udpListen: FreePort.Next(), gateway.Port, udpUpstream: FreePort.Next());
        var test = await ExternalProcess.RunAsync(nginx, ["-t", "-p", prefix.Path, "-c", prefix.File("nginx.conf"), "-e", "stderr"], timeout: TimeSpan.FromSeconds(30));
        Assert.True(test.ExitCode == 0, test.Output);

        using var process = ExternalProcess.Start(nginx, ["-p", prefix.Path, "-c", prefix.File("nginx.conf"), "-e", "stderr", "-g", "daemon off;"]);
        try
        {
            Assert.True(await OpsSupport.EventuallyAsync(() => Task.FromResult(!process.HasExited && Listening(front)), TimeSpan.FromSeconds(15)),
                "nginx did not listen:\n" + process.Output);

            // Register and log in through the front, from 127.0.0.77; keep that connection open.
            var user = "front_" + Guid.NewGuid().ToString("N")[..8];
            using var a = await RawConnection.OpenAsync(front, ClientA);
            JsonAssert.IsOk(await a.RequestAsync(OpsSupport.Register(1, user, "correct horse battery")));
            var login = await a.RequestAsync(OpsSupport.Login(2, user, "correct horse battery"));
            JsonAssert.IsOk(login);
            Assert.False(string.IsNullOrEmpty(login.GetProperty("accessToken").GetString()));

            // The gateway allows one connection per client address. nginx connects from 127.0.0.1 every time,
            // so only the PROXY header can tell 127.0.0.77 (now over its limit) from 127.0.0.78 (not).
            using (var secondFromA = await RawConnection.OpenAsync(front, ClientA))
            {
                await secondFromA.SendFrameAsync("{\"op\":\"ping\",\"id\":3}");
                JsonAssert.IsError(await secondFromA.ReadFrameAsync(), "too_many_connections");
            }

            using (var fromB = await RawConnection.OpenAsync(front, ClientB))
            {
                JsonAssert.IsOk(await fromB.RequestAsync("{\"op\":\"ping\",\"id\":4}"));
                JsonAssert.IsError(await fromB.RequestAsync(OpsSupport.Login(5, user, "wrong horse battery")), "invalid_credentials");
            }

            // The first connection still works: the refusal was about the other connection from its address.
            JsonAssert.IsOk(await a.RequestAsync("{\"op\":\"ping\",\"id\":6}"));

            var metrics = await OpsSupport.ScrapeAsync(gateway.MetricsPort);
            Assert.Contains("tanks_tcp_rejections_total{reason=\"too_many_connections\"} 1", metrics);
            Assert.Equal(badHeadersBefore, Count(metrics, "tanks_tcp_rejections_total{reason=\"bad_proxy_header\"}"));
            Assert.Contains("tanks_tcp_requests_total{op=\"register\",result=\"ok\"} 1", metrics);
            Assert.Contains("tanks_tcp_requests_total{op=\"login\",result=\"ok\"} 1", metrics);

            // nginx's own access log (flushed every 5 s) names the real clients too.
            Assert.True(await OpsSupport.EventuallyAsync(
                () => Task.FromResult(process.Output.Contains("127.0.0.77 [", StringComparison.Ordinal) && process.Output.Contains("127.0.0.78 [", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(15)), "access log:\n" + process.Output);
        }
        finally
        {
            process.Kill();
            await gateway.Process.KillAsync();
        }
    }

    /// <summary>
    /// Both gateways behind the repo's nginx config: Gateway.Tcp with PROXY protocol mints tokens naming nginx's UDP
    /// address (the public address), Gateway.Udp (echo mode) believes that is its own address. Three SDK clients log in
    /// through nginx (TCP) and connect through nginx (UDP): two from the same client address (carrier NAT) and one
    /// from another. Gateway.Udp sees nginx's address for all of them, each on its own upstream socket (port), so
    /// netcode's one-connection-per-address rule holds. Sessions outlive many keep-alives in both directions.
    /// </summary>
    [Fact]
    public async Task Login_over_tcp_and_play_over_udp_through_nginx_to_the_real_gateways()
    {
        var nginx = RequiredTool.Find("nginx", "apt-get install -y nginx libnginx-mod-stream, or .ci/install-tools.sh");
        var module = StreamModule();
        var stack = shared.Stack;
        var udpFront = TanksStack.FreeUdpPort();
        var udpUpstream = TanksStack.FreeUdpPort();
        var publicAddress = $"127.0.0.1:{udpFront}";
        // Both gateways agree on key, protocol id (as an operator writes it: hex) and the public address.
        var netcode = new Dictionary<string, string>(stack.NetcodeSettings(udpFront))
        {
            ["Netcode__ProtocolId"] = "0x54414E4B53000001",
        };
        var tcpSettings = new Dictionary<string, string>(netcode) { ["TcpGateway__ProxyProtocol"] = "true" };
        foreach (var (k, v) in OpsSupport.GenerousLimits())
        {
            tcpSettings[k] = v;
        }

        var tcp = await stack.StartTcpGatewayAsync(tcpSettings);
        var udp = await stack.StartUdpGatewayAsync(new Dictionary<string, string>(netcode)
        {
            ["UdpGateway__PayloadMode"] = "echo",
            ["UdpGateway__ServerAddress"] = publicAddress,
            ["Logging__LogLevel__Tanks.Gateway.Udp"] = "Debug",
        }, udpUpstream);
        Assert.Contains($"server address {publicAddress}", udp.Process.Output);
        var badHeadersBefore = Count(await OpsSupport.ScrapeAsync(tcp.MetricsPort), "tanks_tcp_rejections_total{reason=\"bad_proxy_header\"}");

        using var prefix = new TempDirectory("tanks-nginx-");
        var tcpFront = FreePort.Next();
        RenderConfig(prefix, module, tcpFront, udpFront, tcp.Port, udpUpstream);
        using var process = ExternalProcess.Start(nginx, ["-p", prefix.Path, "-c", prefix.File("nginx.conf"), "-e", "stderr", "-g", "daemon off;"]);
        var clients = new List<TanksClient>();
        try
        {
            Assert.True(await OpsSupport.EventuallyAsync(() => Task.FromResult(!process.HasExited && Listening(tcpFront)), TimeSpan.FromSeconds(15)),
                "nginx did not listen:\n" + process.Output);

            // Register (first two) or log in (third, an account registered through nginx beforehand) and connect.
            var names = Enumerable.Range(0, 3).Select(_ => "udpfront_" + Guid.NewGuid().ToString("N")[..8]).ToArray();
            await using (var auth = await AuthClient.ConnectAsync("127.0.0.1", tcpFront, new AuthClientOptions { LocalAddress = ClientB }))
            {
                (await auth.RegisterAsync(names[2], Password)).RequireSession();
            }

            var from = new[] { ClientA, ClientA, ClientB };
            for (var i = 0; i < 3; i++)
            {
                var options = new TanksClientOptions
                {
                    Register = i < 2,
                    Auth = new AuthClientOptions { LocalAddress = from[i] },
                    Udp = new NetcodeUdpClientOptions { LocalAddress = from[i] },
                };
                var client = await TanksClient.LoginAndConnectAsync("127.0.0.1", tcpFront, names[i], Password, options);
                clients.Add(client);
                Assert.Equal(publicAddress, client.Session.Udp);
                var token = new NetcodeConnectToken();
                Assert.Equal(TokenReadResult.Ok, NetcodeConnectToken.TryRead(Convert.FromBase64String(client.Session.ConnectToken!), token));
                Assert.Equal(NetcodeOptions.DefaultProtocolId, token.ProtocolId); // the hex form bound as intended
                Assert.Equal(NetcodeClientState.Connected, client.Udp.State);
                Assert.Equal(from[i], client.Udp.LocalEndPoint.Address);
            }

            foreach (var client in clients)
            {
                await UdpGatewayEndToEndTests.AssertEchoesAsync(client.Udp, 10);
            }

            Assert.Equal(3, await udp.MetricAsync("tanks_udp_clients_connected"));
            Assert.True(await udp.MetricAsync("tanks_udp_handshakes_total{outcome=\"accepted\"}") >= 3);

            // Gateway.Udp saw nginx (127.0.0.1), never the clients' own addresses, one upstream port per client.
            var seen = Regex.Matches(udp.Process.Output, @"connected from (\S+) in slot").Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(3, seen.Count);
            Assert.All(seen, a => Assert.StartsWith("127.0.0.1:", a, StringComparison.Ordinal));
            Assert.Equal(3, seen.Distinct(StringComparer.Ordinal).Count());

            // A long-lived session: keep-alives only (10 Hz each way) for a while, then payloads again. nginx must
            // forward many datagrams per session in both directions (proxy_responses unset, proxy_timeout 30 s).
            await Task.Delay(TimeSpan.FromSeconds(2));
            foreach (var client in clients)
            {
                Assert.Equal(NetcodeClientState.Connected, client.Udp.State);
                await UdpGatewayEndToEndTests.AssertEchoesAsync(client.Udp, 5);
            }

            // Many datagrams per session went both ways through nginx: keep-alives alone, ~20 per client each way.
            var keepAlivesIn = await udp.MetricAsync("tanks_udp_packets_total{direction=\"in\",type=\"keepalive\"}");
            var keepAlivesOut = await udp.MetricAsync("tanks_udp_packets_total{direction=\"out\",type=\"keepalive\"}");
            Assert.True(keepAlivesIn >= 30 && keepAlivesOut >= 30, $"keep-alives in {keepAlivesIn}, out {keepAlivesOut}");
            Assert.Equal(3, await udp.MetricAsync("tanks_udp_clients_connected"));

            // Disconnect (the netcode disconnect packets also travel through nginx): the gateway frees the slots.
            foreach (var client in clients)
            {
                client.Udp.Disconnect();
            }

            Assert.True(await OpsSupport.EventuallyAsync(async () => await udp.MetricAsync("tanks_udp_clients_connected") == 0, TimeSpan.FromSeconds(5)),
                "slots not freed after disconnect:\n" + await udp.MetricsAsync());
            Assert.Equal(badHeadersBefore, Count(await OpsSupport.ScrapeAsync(tcp.MetricsPort), "tanks_tcp_rejections_total{reason=\"bad_proxy_header\"}"));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            process.Kill();
            await udp.Process.KillAsync();
            await tcp.Process.KillAsync();
        }
    }

    /// <summary>
    /// The repo's nginx.conf (plus load_module for Debian's build, pid in the prefix) and tanks-stream.conf with only
    /// the two listen lines moved to loopback test ports, and deploy/nginx/local's env and upstream files with the
    /// gateway ports moved.
    /// </summary>
    internal static void RenderConfig(TempDirectory prefix, string module, int tcpListen, int udpListen, int tcpUpstream, int udpUpstream)
    {
        var main = File.ReadAllText(OpsSupport.RepoPath("deploy", "nginx", "nginx.conf"));
        Assert.Contains("pid /tmp/nginx.pid;", main);
        File.WriteAllText(prefix.File("nginx.conf"),
            $"load_module {module};\n" + main.Replace("pid /tmp/nginx.pid;", $"pid {prefix.File("nginx.pid")};", StringComparison.Ordinal));
        var stream = File.ReadAllText(OpsSupport.RepoPath("deploy", "nginx", "tanks-stream.conf"));
        var moved = stream.Replace("listen 8888 ", $"listen 127.0.0.1:{tcpListen} ", StringComparison.Ordinal)
            .Replace("listen 9999 ", $"listen 127.0.0.1:{udpListen} ", StringComparison.Ordinal);
        Assert.Equal(2, stream.Split('\n').Zip(moved.Split('\n')).Count(p => p.First != p.Second));
        Assert.Contains("proxy_protocol on;", moved);
        File.WriteAllText(prefix.File("tanks-stream.conf"), moved);
        var local = OpsSupport.RepoPath("deploy", "nginx", "local");
        File.Copy(Path.Combine(local, "tanks-stream-env.conf"), prefix.File("tanks-stream-env.conf"));
        File.WriteAllText(prefix.File("tanks-upstream-tcp.conf"),
            File.ReadAllText(Path.Combine(local, "tanks-upstream-tcp.conf")).Replace("127.0.0.1:18888", $"127.0.0.1:{tcpUpstream}", StringComparison.Ordinal));
        File.WriteAllText(prefix.File("tanks-upstream-udp.conf"),
            File.ReadAllText(Path.Combine(local, "tanks-upstream-udp.conf")).Replace("127.0.0.1:19999", $"127.0.0.1:{udpUpstream}", StringComparison.Ordinal));
    }

    private static double Count(string exposition, string series)
    {
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string StreamModule()
    {
        const string module = "/usr/lib/nginx/modules/ngx_stream_module.so";
        if (!File.Exists(module))
        {
            RequiredTool.Find("ngx_stream_module.so", "apt-get install -y libnginx-mod-stream");
        }

        return module;
    }

    private static bool Listening(int port)
    {
        try
        {
            using var probe = new TcpClient();
            probe.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
