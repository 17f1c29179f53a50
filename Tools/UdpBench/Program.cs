using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tanks.Client.Auth;
using Tanks.Client.Netcode;
using Tanks.Protocol.Netcode;

// UdpBench: handshakes per second and CPU per payload packet of a running Gateway.Udp (PayloadMode=echo), beside a
// plain C# UDP echo (Tools/UdpEcho) under the same load. Loopback only; every loop bounded in count and time.
// Usage: UdpBench --tcp-port P --udp-pid PID --udp-metrics-port M --echo-port E --echo-pid PID
//                 [--clients 50] [--rounds 10] [--seconds 10] [--rate 200] [--size 100]
var options = Args.Parse(args);
var tcpPort = options.Int("tcp-port");
var udpPid = options.Int("udp-pid");
var udpMetricsPort = options.Int("udp-metrics-port");
var echoPort = options.Int("echo-port");
var echoPid = options.Int("echo-pid");
var clients = Math.Clamp(options.Int("clients", 50), 1, 1000);
var rounds = Math.Clamp(options.Int("rounds", 10), 1, 1000);
var seconds = Math.Clamp(options.Int("seconds", 10), 1, 120);
var ratePerClient = Math.Clamp(options.Int("rate", 200), 1, 10000);
var size = Math.Clamp(options.Int("size", 100), 1, NetcodeConstants.MaxPayloadBytes);

// 1. Accounts (Argon2id: ~16 ms each), then a fresh connect token per client and round from 'refresh' (no hashing).
await using var auth = await AuthClient.ConnectAsync("127.0.0.1", tcpPort);
var prefix = "bench" + Guid.NewGuid().ToString("N")[..6];
var sessions = new AuthSession[clients];
for (var i = 0; i < clients; i++)
{
    sessions[i] = (await auth.RegisterAsync($"{prefix}_{i}", "bench-password-1")).RequireSession();
}

async Task<byte[][]> FreshTokensAsync()
{
    var tokens = new byte[clients][];
    for (var i = 0; i < clients; i++)
    {
        sessions[i] = (await auth.RefreshAsync(sessions[i].RefreshToken)).RequireSession();
        tokens[i] = Convert.FromBase64String(sessions[i].ConnectToken!);
    }

    return tokens;
}

NetcodeUdpClient[] ConnectAll(byte[][] tokens, out TimeSpan elapsed)
{
    var all = new NetcodeUdpClient[tokens.Length];
    for (var i = 0; i < all.Length; i++)
    {
        all[i] = NetcodeUdpClient.Create(new NetcodeUdpClientOptions { LocalAddress = IPAddress.Loopback, BackgroundUpdatePeriod = null, ReceiveQueueCapacity = 256 });
    }

    var clock = Stopwatch.StartNew();
    for (var i = 0; i < all.Length; i++)
    {
        all[i].Connect(tokens[i]);
    }

    while (clock.Elapsed < TimeSpan.FromSeconds(15))
    {
        var done = 0;
        foreach (var c in all)
        {
            c.Update();
            done += c.State is NetcodeClientState.Connected or < NetcodeClientState.Disconnected ? 1 : 0;
        }

        if (done == all.Length)
        {
            break;
        }

        Thread.Yield();
    }

    elapsed = clock.Elapsed;
    var failed = all.Count(c => c.State != NetcodeClientState.Connected);
    if (failed > 0)
    {
        throw new InvalidOperationException($"{failed} of {all.Length} clients did not connect: {string.Join(",", all.Select(c => c.State).Distinct())}");
    }

    return all;
}

// 2. Handshakes: rounds of K fresh tokens connecting at once (request → challenge → response → keep-alive).
var handshakeTime = TimeSpan.Zero;
for (var round = 0; round < rounds; round++)
{
    var tokens = await FreshTokensAsync();
    var connected = ConnectAll(tokens, out var elapsed);
    handshakeTime += elapsed;
    foreach (var c in connected)
    {
        c.Dispose(); // sends the 10 disconnect packets
    }

    Thread.Sleep(50);
}

var handshakesPerSecond = clients * rounds / handshakeTime.TotalSeconds;

// 3. Steady load through Gateway.Udp: K clients, each sending `rate` payloads/s, echoes drained.
var udpClients = ConnectAll(await FreshTokensAsync(), out _);
var payload = new byte[size];
Random.Shared.NextBytes(payload);
var gatewayInBefore = await MetricAsync(udpMetricsPort, "tanks_udp_packets_total{direction=\"in\",type=\"payload\"}");
var gatewayCpuBefore = ProcessCpuSeconds(udpPid);
var (gatewaySent, gatewayEchoed, gatewayElapsed) = Pump(
    i => udpClients[i].SendPayload(payload),
    i =>
    {
        var n = 0;
        udpClients[i].Update();
        Span<byte> buffer = stackalloc byte[NetcodeConstants.MaxPayloadBytes];
        while (udpClients[i].TryReceivePayload(buffer, out _))
        {
            n++;
        }

        return n;
    });
var gatewayCpu = ProcessCpuSeconds(udpPid) - gatewayCpuBefore;
var gatewayIn = await MetricAsync(udpMetricsPort, "tanks_udp_packets_total{direction=\"in\",type=\"payload\"}") - gatewayInBefore;
foreach (var c in udpClients)
{
    c.Dispose();
}

// 4. The same load, same datagram size, through the plain echo.
var wireSize = NetcodePacketWriter.EncryptedPacketBytes(1000, size);
var datagram = new byte[wireSize];
Random.Shared.NextBytes(datagram);
var echoTarget = new IPEndPoint(IPAddress.Loopback, echoPort).Serialize();
var sockets = Enumerable.Range(0, clients).Select(_ =>
{
    var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    return s;
}).ToArray();
var echoBuffer = new byte[2048];
var echoCpuBefore = ProcessCpuSeconds(echoPid);
var (echoSent, echoEchoed, echoElapsed) = Pump(
    i =>
    {
        sockets[i].SendTo(datagram, SocketFlags.None, echoTarget);
        return true;
    },
    i =>
    {
        var n = 0;
        while (sockets[i].Available > 0)
        {
            sockets[i].Receive(echoBuffer);
            n++;
        }

        return n;
    });
var echoCpu = ProcessCpuSeconds(echoPid) - echoCpuBefore;
foreach (var s in sockets)
{
    s.Dispose();
}

Console.WriteLine();
Console.WriteLine($"clients {clients}, rounds {rounds}, {seconds} s at {ratePerClient} payloads/s per client, payload {size} B (datagram {wireSize} B)");
Console.WriteLine($"{"measure",-44} {"value",14}");
Console.WriteLine($"{"handshakes/s (K at once, fresh tokens)",-44} {handshakesPerSecond,14:F0}");
Console.WriteLine($"{"Gateway.Udp payloads in (gateway metric)",-44} {gatewayIn,14:F0}");
Console.WriteLine($"{"Gateway.Udp payloads sent / echoed (client)",-44} {$"{gatewaySent}/{gatewayEchoed}",14}");
Console.WriteLine($"{"Gateway.Udp packets/s in",-44} {gatewayIn / gatewayElapsed.TotalSeconds,14:F0}");
Console.WriteLine($"{"Gateway.Udp process CPU s",-44} {gatewayCpu,14:F2}");
Console.WriteLine($"{"Gateway.Udp CPU µs per payload (in+echo out)",-44} {gatewayCpu * 1e6 / Math.Max(1, gatewayIn),14:F2}");
Console.WriteLine($"{"UdpEcho datagrams sent / echoed",-44} {$"{echoSent}/{echoEchoed}",14}");
Console.WriteLine($"{"UdpEcho packets/s in",-44} {echoSent / echoElapsed.TotalSeconds,14:F0}");
Console.WriteLine($"{"UdpEcho process CPU s",-44} {echoCpu,14:F2}");
Console.WriteLine($"{"UdpEcho CPU µs per datagram (in+echo out)",-44} {echoCpu * 1e6 / Math.Max(1, echoSent),14:F2}");
return 0;

(long Sent, long Received, TimeSpan Elapsed) Pump(Func<int, bool> send, Func<int, int> drain)
{
    long sent = 0, received = 0;
    var interval = 1.0 / ratePerClient;
    var clock = Stopwatch.StartNew();
    var next = 0.0;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        if (clock.Elapsed.TotalSeconds >= next)
        {
            for (var i = 0; i < clients; i++)
            {
                sent += send(i) ? 1 : 0;
            }

            next += interval;
        }

        for (var i = 0; i < clients; i++)
        {
            received += drain(i);
        }

        if (clock.Elapsed.TotalSeconds < next)
        {
            Thread.Sleep(1);
        }
    }

    var elapsed = clock.Elapsed;
    var settle = Stopwatch.StartNew();
    while (settle.Elapsed < TimeSpan.FromMilliseconds(300))
    {
        for (var i = 0; i < clients; i++)
        {
            received += drain(i);
        }

        Thread.Sleep(5);
    }

    return (sent, received, elapsed);
}

static double ProcessCpuSeconds(int pid)
{
    // /proc/<pid>/stat: fields after the ") " of the command name; utime and stime are fields 14 and 15, in clock ticks (100 Hz).
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
}

static async Task<double> MetricAsync(int port, string sample)
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
    var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
    foreach (var line in text.Split('\n'))
    {
        if (line.StartsWith(sample + " ", StringComparison.Ordinal))
        {
            return double.Parse(line[(sample.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    return 0;
}

internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        return new Args(values);
    }

    public int Int(string name, int? fallback = null) =>
        values.TryGetValue(name, out var v) ? int.Parse(v) : fallback ?? throw new ArgumentException($"--{name} is required");
}
