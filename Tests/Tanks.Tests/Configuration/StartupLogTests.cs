using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Configuration;

/// <summary>
/// What a started stack says and where it listens: Gateway.Tcp's real endpoints on its listen address only, no
/// data-protection warning, dashboard challenges kept out of the log while failed logins are logged (no password).
/// </summary>
public sealed class StartupLogTests : IAsyncLifetime
{
    private TanksStack _stack = null!;
    private GatewayHandle _tcp = null!;
    private UdpGatewayHandle _udp = null!;

    public async ValueTask InitializeAsync()
    {
        _stack = await TanksStack.StartAsync();
        _tcp = await _stack.StartTcpGatewayAsync(); // TcpGateway__ListenAddress=127.0.0.1
        _udp = await _stack.StartUdpGatewayAsync();
    }

    public async ValueTask DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task Gateway_tcp_on_127_0_0_1_logs_its_real_endpoints_and_listens_nowhere_else()
    {
        var output = await WaitForLineAsync(_tcp.Process, $"TCP auth listening on 127.0.0.1:{_tcp.Port}");
        Assert.Contains($"Metrics and health (HTTP) listening on http://127.0.0.1:{_tcp.MetricsPort}", output);
        Assert.DoesNotContain("Now listening on", output); // Kestrel's line called the auth port http://

        foreach (var address in OtherAddresses())
        {
            Assert.False(await AcceptsAsync(address, _tcp.Port), $"auth port answers on {address}");
            Assert.False(await AcceptsAsync(address, _tcp.MetricsPort), $"metrics port answers on {address}");
        }

        Assert.True(await AcceptsAsync(IPAddress.Loopback, _tcp.Port));
    }

    [Fact]
    public void No_process_warns_about_an_unencrypted_key_ring()
    {
        foreach (var process in new[] { _stack.Silo, _tcp.Process, _udp.Process })
        {
            Assert.DoesNotContain("No XML encryptor configured", process.Output);
            Assert.DoesNotContain("Storing keys in a directory", process.Output);
        }
    }

    [Fact]
    public async Task Dashboard_challenges_are_not_logged_and_failed_logins_are_without_the_password()
    {
        using var http = new HttpClient();
        var url = $"http://127.0.0.1:{_stack.SiloHttpPort}/dashboard/";
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(url)).StatusCode);
        }

        var wrong = new HttpRequestMessage(HttpMethod.Get, url);
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("mallory:guessed-password-1")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);

        var output = await WaitForLineAsync(_stack.Silo, "Dashboard login failed for user 'mallory'");
        Assert.DoesNotContain("was challenged", output);
        Assert.DoesNotContain("guessed-password-1", output);
        Assert.Contains("warn: Tanks.Silo.Dashboard.Logins", output);
    }

    /// <summary>The process's output once it has a line containing <paramref name="text"/> (bounded: 20 s).</summary>
    private static async Task<string> WaitForLineAsync(TanksProcess process, string text)
    {
        var watch = Stopwatch.StartNew();
        while (!process.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"no line with '{text}' in {process.Name}'s output:\n{process.Output}");
            await Task.Delay(50);
        }

        return process.Output;
    }

    /// <summary>This machine's addresses other than 127.0.0.1 (IPv6 loopback and any interface's), where nothing may answer.</summary>
    private static IEnumerable<IPAddress> OtherAddresses()
    {
        if (Socket.OSSupportsIPv6)
        {
            yield return IPAddress.IPv6Loopback;
        }

        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces().Where(n => n.OperationalStatus == OperationalStatus.Up))
        {
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                {
                    yield return unicast.Address;
                }
            }
        }
    }

    private static async Task<bool> AcceptsAsync(IPAddress address, int port)
    {
        using var client = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await client.ConnectAsync(new IPEndPoint(address, port), timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false; // refused (nothing bound there) or unreachable
        }
        catch (OperationCanceledException)
        {
            return false; // dropped by a firewall: nothing answers there either
        }
    }
}
