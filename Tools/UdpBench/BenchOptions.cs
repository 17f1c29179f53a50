using System.Globalization;

namespace Tanks.UdpBench;

internal sealed class BenchOptions
{
    public const string Usage = """
        UdpBench: CPU per packet of Gateway.Udp (PayloadMode=echo, netcode encryption on) beside a plain C# UDP echo
        (Tools/UdpEcho) and the Python prototype's asyncio echo (asyncio_echo.py), the same load against all three,
        interleaved in each round; plus handshakes/s. Loopback only. Normally started by measure.sh.

          --tcp-port P           Gateway.Tcp (accounts and connect tokens)                      required
          --udp-pid PID          the Gateway.Udp process                                        required
          --udp-metrics-port M   its /metrics (payload counters, to tell where a loss happened)  optional
          --echo-port P --echo-pid PID         Tools/UdpEcho                                     required
          --asyncio-port P --asyncio-pid PID   asyncio_echo.py (left out when not given)         optional
          --clients K            clients (one UDP socket each)                                   50
          --rate N               datagrams/s the bench sends to each target, over all clients    5000
          --size B               payload bytes (plain echoes get datagrams of the gateway's size) 100
          --rounds R             rounds; each runs every target once, order rotated              5
          --seconds S            measured window per target and round                            4
          --warmup S             paced load before each window, not measured                     2
          --first-warmup S       before round 1, in two passes over the targets (JIT tiers)      6
          --idle S               each target's idle CPU, measured once without load              2
          --report path.json     the figures as JSON
        exit code: 0 measured (the summary says whether the goals held), 1 usage or fatal error
        """;

    public int TcpPort { get; private init; }

    public int UdpPid { get; private init; }

    public int? UdpMetricsPort { get; private init; }

    public int EchoPort { get; private init; }

    public int EchoPid { get; private init; }

    public int? AsyncioPort { get; private init; }

    public int? AsyncioPid { get; private init; }

    public int Clients { get; private init; }

    public int Rate { get; private init; }

    public int Size { get; private init; }

    public int Rounds { get; private init; }

    public double Seconds { get; private init; }

    public double Warmup { get; private init; }

    public double FirstWarmup { get; private init; }

    public double Idle { get; private init; }

    public string? Report { get; private init; }

    public static BenchOptions Parse(string[] args, int maxPayloadBytes)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string? Text(string name)
        {
            var found = values.Remove(name, out var v);
            return found ? v : null;
        }

        int? OptionalInt(string name) => Text(name) is { } v
            ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"--{name}: '{v}' is not a whole number")
            : null;
        int Int(string name, int? fallback, int min, int max) =>
            Math.Clamp(OptionalInt(name) ?? fallback ?? throw new ArgumentException($"--{name} is required"), min, max);
        double Double(string name, double fallback, double min, double max) => Math.Clamp(
            Text(name) is { } v
                ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new ArgumentException($"--{name}: '{v}' is not a number")
                : fallback,
            min,
            max);

        var options = new BenchOptions
        {
            TcpPort = Int("tcp-port", null, 1, 65535),
            UdpPid = Int("udp-pid", null, 1, int.MaxValue),
            UdpMetricsPort = OptionalInt("udp-metrics-port"),
            EchoPort = Int("echo-port", null, 1, 65535),
            EchoPid = Int("echo-pid", null, 1, int.MaxValue),
            AsyncioPort = OptionalInt("asyncio-port"),
            AsyncioPid = OptionalInt("asyncio-pid"),
            Clients = Int("clients", 50, 1, 1000),
            Rate = Int("rate", 5_000, 1, 200_000),
            Size = Int("size", 100, 1, maxPayloadBytes),
            Rounds = Int("rounds", 5, 1, 100),
            Seconds = Double("seconds", 4, 0.5, 120),
            Warmup = Double("warmup", 2, 0, 30),
            FirstWarmup = Double("first-warmup", 6, 0, 60),
            Idle = Double("idle", 2, 0, 60),
            Report = Text("report"),
        };
        if (options.AsyncioPort.HasValue != options.AsyncioPid.HasValue)
        {
            throw new ArgumentException("--asyncio-port and --asyncio-pid go together");
        }

        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}");
        }

        return options;
    }
}
