using System.Net;
using System.Net.Sockets;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Configuration;

/// <summary>
/// A bad setting or a port in use stops each process with one line naming the setting and its own exit code
/// (2: configuration, 3: port in use; docs/operations.md "Start-up errors and exit codes"), and no stack trace.
/// </summary>
public sealed class StartupErrorTests
{
    private const int ConfigurationError = 2;
    private const int PortInUse = 3;

    [Theory]
    [InlineData("silo", "Cluster__SiloPort", "70000")]
    [InlineData("silo", "Cluster__ClusterId", "bad id!")]
    [InlineData("silo", "Silo__DrainTimeout", "01:00:00")]
    [InlineData("silo", "Cluster__ProbeTimeout", "soon")]
    [InlineData("silo", "Cluster__ListenAddress", "not-an-address")]
    [InlineData("silo", "Cluster__ListenAddress", "192.0.2.1")] // TEST-NET-1: an address of no machine here
    [InlineData("silo", "Viewer__MaxViewers", "0")]
    [InlineData("tcp", "TcpGateway__Port", "70000")]
    [InlineData("tcp", "TcpGateway__MetricsPort", "-1")]
    [InlineData("tcp", "TcpGateway__ListenAddress", "not-an-address")]
    [InlineData("tcp", "TcpGateway__ListenAddress", "192.0.2.1")] // TEST-NET-1: an address of no machine here
    [InlineData("tcp", "TcpGateway__IdleTimeout", "abc")]
    [InlineData("tcp", "Jwt__SigningKey", "too-short")]
    [InlineData("udp", "UdpGateway__Port", "70000")]
    [InlineData("udp", "UdpGateway__MetricsPort", "99999")]
    [InlineData("udp", "UdpGateway__PayloadMode", "loud")]
    [InlineData("udp", "UdpGateway__ListenAddress", "192.0.2.1")]
    [InlineData("udp", "Netcode__TokenExpirySeconds", "0")]
    [InlineData("udp", "Netcode__PrivateKey", "bm90LTMyLWJ5dGVz")]
    public async Task A_bad_setting_exits_with_code_2_and_one_line_naming_it(string host, string setting, string value)
    {
        var settings = ExitingProcess.SafeSettings(host);
        settings[setting] = value;

        var (exitCode, output) = await ExitingProcess.RunAsync(host, settings);

        Assert.True(exitCode == ConfigurationError, $"exit code {exitCode}:\n{output}");
        var line = Assert.Single(output.Split('\n'), l => l.Contains("configuration error", StringComparison.Ordinal));
        Assert.Contains(setting.Replace("__", ":", StringComparison.Ordinal), line);
        if (setting.EndsWith("Key", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(value, output); // a secret is named, never echoed
        }
        else
        {
            Assert.Contains(value, line);
        }

        AssertNoStackTrace(output);
    }

    [Theory]
    [InlineData("silo", "Cluster__SiloPort")]
    [InlineData("silo", "Cluster__GatewayPort")]
    [InlineData("silo", "Urls")]
    [InlineData("tcp", "TcpGateway__Port")]
    [InlineData("tcp", "TcpGateway__MetricsPort")]
    [InlineData("udp", "UdpGateway__Port")]
    [InlineData("udp", "UdpGateway__MetricsPort")]
    public async Task A_port_in_use_exits_with_code_3_and_names_the_setting_that_moves_it(string host, string setting)
    {
        var settings = ExitingProcess.SafeSettings(host);
        var udp = setting == "UdpGateway__Port";
        using var taken = udp ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        if (!udp)
        {
            taken.Listen(1);
        }

        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        settings[setting] = setting == "Urls" ? $"http://127.0.0.1:{port}" : port.ToString();

        var (exitCode, output) = await ExitingProcess.RunAsync(host, settings);

        Assert.True(exitCode == PortInUse, $"exit code {exitCode}:\n{output}");
        var line = Assert.Single(output.Split('\n'), l => l.Contains("already in use", StringComparison.Ordinal));
        Assert.Contains($"port {port}", line);
        Assert.Contains(setting, line);
        AssertNoStackTrace(output);
    }

    internal static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("Exception:", output);
    }
}
