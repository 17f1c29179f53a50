using System.Net;
using System.Net.Sockets;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Operations;

/// <summary>
/// Issue 6 check: the real nginx (Debian nginx + libnginx-mod-stream) with the repo's deploy/nginx stream config,
/// rendered for loopback, in front of a real Gateway.Tcp (PROXY protocol on) and silo: register and log in through
/// it, and the gateway sees each client's own address. The UDP leg joins when Gateway.Udp lands (issue 3).
/// </summary>
[Collection(SharedStackCollection.Name)]
public sealed class NginxFrontStackTests(SharedStack shared)
{
    private static readonly IPAddress ClientA = IPAddress.Parse("127.0.0.77");
    private static readonly IPAddress ClientB = IPAddress.Parse("127.0.0.78");

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
