using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Tanks.Ops.Tests.Infrastructure;

namespace Tanks.Ops.Tests;

/// <summary>
/// deploy/nginx: nginx -t on the stream config with the loopback upstreams, then a real nginx on free loopback
/// ports in front of fake gateways: PROXY protocol on TCP, UDP round trip, and the helm test script through it.
/// </summary>
public sealed class NginxFrontTests
{
    [Fact]
    public void Nginx_accepts_the_stream_config_with_loopback_upstreams()
    {
        using var prefix = new TempDir();
        WriteConfig(prefix, tcpListen: 8888, udpListen: 9999);
        var r = Proc.Run(Tools.Nginx, ["-t", "-p", prefix.Path, "-c", prefix.File("nginx.conf"), "-e", "stderr"], timeout: TimeSpan.FromSeconds(30));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("test is successful", r.All);
    }

    [Fact]
    public void Udp_server_keeps_long_lived_netcode_sessions()
    {
        var stream = Repo.Read("deploy", "nginx", "tanks-stream.conf");
        var lines = stream.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var start = lines.FindIndex(l => l.StartsWith("listen 9999 udp", StringComparison.Ordinal));
        Assert.True(start > 0, "no UDP listen 9999");
        var block = lines.Skip(start).TakeWhile(l => l != "}").ToList();
        Assert.Contains("listen 9999 udp reuseport;", block);
        Assert.Contains("proxy_pass tanks_gateway_udp;", block);
        // A netcode session exchanges many datagrams each way (10 Hz keep-alives): no response/request limit anywhere.
        Assert.DoesNotContain("proxy_responses", string.Join('\n', lines));
        Assert.DoesNotContain("proxy_requests", string.Join('\n', lines));
        // Idle timeout longer than netcode's 10 s timeout.
        var timeout = Assert.Single(block, l => l.StartsWith("proxy_timeout ", StringComparison.Ordinal));
        var m = Regex.Match(timeout, @"^proxy_timeout (\d+)s;$");
        Assert.True(m.Success, timeout);
        Assert.True(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 10, timeout);
        Assert.Contains("hash $remote_addr consistent;", lines);
    }

    [Fact]
    public void Local_upstreams_point_only_at_loopback()
    {
        foreach (var f in Directory.GetFiles(Repo.Path("deploy", "nginx", "local"), "tanks-upstream-*.conf"))
        {
            foreach (Match m in Regex.Matches(File.ReadAllText(f), @"^\s*server\s+(\S+)", RegexOptions.Multiline))
            {
                Assert.StartsWith("127.0.0.1:", m.Groups[1].Value);
            }
        }
    }

    [Fact]
    public async Task Nginx_forwards_tcp_with_proxy_protocol_and_udp_and_the_front_check_passes()
    {
        using var prefix = new TempDir();
        var gwTcp = new TcpListener(IPAddress.Loopback, 0);
        gwTcp.Start();
        using var gwUdp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var tcpUp = ((IPEndPoint)gwTcp.LocalEndpoint).Port;
        var udpUp = ((IPEndPoint)gwUdp.Client.LocalEndPoint!).Port;
        var tcpFront = Proc.FreeTcpPort();
        var udpFront = Proc.FreeUdpPort();
        WriteConfig(prefix, tcpFront, udpFront, tcpUp, udpUp);
        var proxyLines = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var fakeTcp = Task.Run(() => FakeTcpGateway(gwTcp, proxyLines, cts.Token), TestContext.Current.CancellationToken);
        var fakeUdp = Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                var d = await gwUdp.ReceiveAsync(cts.Token);
                await gwUdp.SendAsync(Encoding.ASCII.GetBytes("echo:" + Encoding.ASCII.GetString(d.Buffer)), d.RemoteEndPoint, cts.Token);
            }
        }, TestContext.Current.CancellationToken);

        var nginx = Proc.Start(Tools.Nginx, ["-p", prefix.Path, "-c", prefix.File("nginx.conf"), "-e", "stderr", "-g", "daemon off;"]);
        try
        {
            await WaitForTcp(tcpFront, nginx);

            // The helm test script, through the front.
            var r = Proc.Run(Tools.Bash, [Repo.Path("helm", "tanks", "files", "tests", "front-check.sh")],
                new Dictionary<string, string?> { ["FRONT_HOST"] = "127.0.0.1", ["FRONT_PORT"] = tcpFront.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                TimeSpan.FromSeconds(30));
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("front-check OK", r.StdOut);
            lock (proxyLines)
            {
                Assert.NotEmpty(proxyLines);
                Assert.Matches(@"^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ " + tcpFront + "$", proxyLines[0]);
            }

            // UDP round trip through the hashed upstream.
            using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            await client.SendAsync(Encoding.ASCII.GetBytes("hello"), new IPEndPoint(IPAddress.Loopback, udpFront), cts.Token);
            var reply = await client.ReceiveAsync(cts.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10), cts.Token);
            Assert.Equal("echo:hello", Encoding.ASCII.GetString(reply.Buffer));
        }
        finally
        {
            Proc.Stop(nginx);
            await cts.CancelAsync();
            gwTcp.Stop();
            gwUdp.Close();
            await Task.WhenAll(fakeTcp.ContinueWith(_ => { }, TaskScheduler.Default), fakeUdp.ContinueWith(_ => { }, TaskScheduler.Default));
        }
    }

    [Fact]
    public async Task Front_check_fails_when_the_gateway_answers_wrongly()
    {
        var gw = new TcpListener(IPAddress.Loopback, 0);
        gw.Start();
        var port = ((IPEndPoint)gw.LocalEndpoint).Port;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = Task.Run(async () =>
        {
            using var c = await gw.AcceptTcpClientAsync(cts.Token);
            var s = c.GetStream();
            await ReadFrame(s, cts.Token);
            await WriteFrame(s, "{\"id\":1,\"ok\":false,\"error\":{\"code\":\"unavailable\",\"message\":\"no silo\"}}", cts.Token);
        }, TestContext.Current.CancellationToken);
        try
        {
            var r = Proc.Run(Tools.Bash, [Repo.Path("helm", "tanks", "files", "tests", "front-check.sh")],
                new Dictionary<string, string?> { ["FRONT_HOST"] = "127.0.0.1", ["FRONT_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                TimeSpan.FromSeconds(30));
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("front-check FAILED", r.StdErr);
        }
        finally
        {
            await cts.CancelAsync();
            gw.Stop();
            await server.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Writes nginx.conf (Debian: loads the stream module), the repo's stream config with the listen
    /// ports moved, and loopback upstreams into the prefix dir.</summary>
    private static void WriteConfig(TempDir prefix, int tcpListen, int udpListen, int tcpUpstream = 18888, int udpUpstream = 19999)
    {
        var module = Tools.RequireNginxStreamModule();
        var main = Repo.Read("deploy", "nginx", "nginx.conf").Replace("pid /tmp/nginx.pid;", $"pid {prefix.File("nginx.pid")};", StringComparison.Ordinal);
        File.WriteAllText(prefix.File("nginx.conf"), $"load_module {module};\n" + main);
        var stream = Repo.Read("deploy", "nginx", "tanks-stream.conf");
        var moved = stream.Replace("listen 8888 ", $"listen 127.0.0.1:{tcpListen} ", StringComparison.Ordinal)
            .Replace("listen 9999 ", $"listen 127.0.0.1:{udpListen} ", StringComparison.Ordinal);
        Assert.Equal(2, stream.Split('\n').Zip(moved.Split('\n')).Count(p => p.First != p.Second));
        File.WriteAllText(prefix.File("tanks-stream.conf"), moved);
        File.Copy(Repo.Path("deploy", "nginx", "local", "tanks-stream-env.conf"), prefix.File("tanks-stream-env.conf"));
        var tcp = Repo.Read("deploy", "nginx", "local", "tanks-upstream-tcp.conf").Replace("127.0.0.1:18888", $"127.0.0.1:{tcpUpstream}", StringComparison.Ordinal);
        var udp = Repo.Read("deploy", "nginx", "local", "tanks-upstream-udp.conf").Replace("127.0.0.1:19999", $"127.0.0.1:{udpUpstream}", StringComparison.Ordinal);
        File.WriteAllText(prefix.File("tanks-upstream-tcp.conf"), tcp);
        File.WriteAllText(prefix.File("tanks-upstream-udp.conf"), udp);
    }

    private static async Task WaitForTcp(int port, System.Diagnostics.Process nginx)
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.False(nginx.HasExited, "nginx exited at start-up");
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        Assert.Fail($"nginx did not listen on {port}");
    }

    /// <summary>A stand-in Gateway.Tcp: PROXY v1 line, then framed JSON; ping -> ok, login -> invalid_credentials.</summary>
    private static async Task FakeTcpGateway(TcpListener listener, List<string> proxyLines, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            using var client = await listener.AcceptTcpClientAsync(ct);
            var s = client.GetStream();
            var line = new StringBuilder();
            var b = new byte[1];
            while (await s.ReadAsync(b, ct) == 1 && b[0] != '\n')
            {
                if (b[0] != '\r')
                {
                    line.Append((char)b[0]);
                }
            }

            lock (proxyLines)
            {
                proxyLines.Add(line.ToString());
            }

            while (await ReadFrame(s, ct) is { } req)
            {
                var id = Regex.Match(req, "\"id\":(\\d+)").Groups[1].Value;
                var resp = req.Contains("\"op\":\"ping\"", StringComparison.Ordinal)
                    ? $"{{\"id\":{id},\"ok\":true,\"time\":1}}"
                    : $"{{\"id\":{id},\"ok\":false,\"error\":{{\"code\":\"invalid_credentials\",\"message\":\"wrong user name or password\"}}}}";
                await WriteFrame(s, resp, ct);
            }
        }
    }

    private static async Task<string?> ReadFrame(NetworkStream s, CancellationToken ct)
    {
        var hdr = new byte[4];
        try
        {
            await s.ReadExactlyAsync(hdr, ct);
        }
        catch (EndOfStreamException)
        {
            return null;
        }

        var n = (hdr[0] << 24) | (hdr[1] << 16) | (hdr[2] << 8) | hdr[3];
        var body = new byte[n];
        await s.ReadExactlyAsync(body, ct);
        return Encoding.UTF8.GetString(body);
    }

    private static async Task WriteFrame(NetworkStream s, string json, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var frame = new byte[4 + body.Length];
        frame[0] = (byte)(body.Length >> 24);
        frame[1] = (byte)(body.Length >> 16);
        frame[2] = (byte)(body.Length >> 8);
        frame[3] = (byte)body.Length;
        body.CopyTo(frame, 4);
        await s.WriteAsync(frame, ct);
    }
}
