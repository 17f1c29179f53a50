using System.Net;
using System.Net.Sockets;

namespace Tanks.Tests.Infrastructure;

/// <summary>Gateway.Udp processes for a stack, sharing one netcode private key with the stack's Gateway.Tcp.</summary>
public sealed partial class TanksStack
{
    /// <summary>The <c>Netcode:PrivateKey</c> (base64) given to every gateway that <see cref="NetcodeSettings"/> configures.</summary>
    public string NetcodeKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>A UDP port free on loopback now, never handed out twice in this test run (shares <see cref="FreePort"/>'s ledger).</summary>
    public static int FreeUdpPort()
    {
        for (var i = 0; i < 100; i++)
        {
            var port = FreePort.Next();
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free UDP port");
    }

    /// <summary>Settings that make a gateway (TCP or UDP) share this stack's netcode key and name 127.0.0.1:<paramref name="udpPort"/> in tokens.</summary>
    public Dictionary<string, string> NetcodeSettings(int udpPort) => new()
    {
        ["Netcode__PrivateKey"] = NetcodeKey,
        ["Netcode__PublicAddresses__0"] = $"127.0.0.1:{udpPort}",
    };

    /// <summary>Starts a Gateway.Udp on 127.0.0.1 (port from <paramref name="port"/> or a free one); waits until it is ready.</summary>
    public async Task<UdpGatewayHandle> StartUdpGatewayAsync(IReadOnlyDictionary<string, string>? settings = null, int? port = null)
    {
        var udpPort = port ?? FreeUdpPort();
        var metricsPort = FreePort.Next();
        var env = Common();
        foreach (var (k, v) in NetcodeSettings(udpPort))
        {
            env[k] = v;
        }

        env["UdpGateway__Port"] = udpPort.ToString();
        env["UdpGateway__MetricsPort"] = metricsPort.ToString();
        env["UdpGateway__ListenAddress"] = "127.0.0.1";
        foreach (var (k, v) in settings ?? new Dictionary<string, string>())
        {
            env[k] = v;
        }

        var process = TanksProcess.Start("gateway-udp", Repo.ProcessDll("Gateway.Udp", "Tanks.Gateway.Udp.dll"), metricsPort, env);
        _gateways.Add(process);
        await process.WaitReadyAsync();
        return new UdpGatewayHandle(process, udpPort, metricsPort, NetcodeKey);
    }
}

/// <summary>A running Gateway.Udp: its UDP port, its metrics port and the netcode key its tokens need.</summary>
public sealed record UdpGatewayHandle(TanksProcess Process, int Port, int MetricsPort, string NetcodeKey)
{
    public string Address => $"127.0.0.1:{Port}";

    public byte[] KeyBytes => Convert.FromBase64String(NetcodeKey);

    /// <summary>The Prometheus text of <c>/metrics</c>.</summary>
    public async Task<string> MetricsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics");
    }

    /// <summary>One sample's value from <c>/metrics</c> (e.g. <c>tanks_udp_clients_connected</c>), or null.</summary>
    public async Task<double?> MetricAsync(string sample)
    {
        foreach (var line in (await MetricsAsync()).Split('\n'))
        {
            if (line.StartsWith(sample + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(sample.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
