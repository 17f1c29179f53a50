using System.CommandLine;

namespace Tanks.UdpBench;

/// <summary>
/// The command line. Values outside an option's range are clamped into it (as the figures in docs/performance.md
/// were taken); the gateway, the echo and their pids are required, asyncio's port and pid go together.
/// </summary>
internal sealed class BenchOptions
{
    public const string Description = """
        UdpBench: CPU per packet of Gateway.Udp (PayloadMode=echo, netcode encryption on) beside a plain C# UDP echo
        (Tools/UdpEcho) and the Python prototype's asyncio echo (asyncio_echo.py), the same load against all three,
        interleaved in each round; plus handshakes/s. Loopback only. Normally started by measure.sh.
        Exit code: 0 measured (the summary says whether the goals held), 1 usage or fatal error.
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

    /// <summary>The root command; its action builds the options (<paramref name="maxPayloadBytes"/> caps --size) and runs <paramref name="run"/>.</summary>
    public static RootCommand Command(int maxPayloadBytes, Func<BenchOptions, CancellationToken, Task<int>> run, Action<int> exited)
    {
        var tcpPort = Required<int>("--tcp-port", "Gateway.Tcp (accounts and connect tokens)");
        var udpPid = Required<int>("--udp-pid", "the Gateway.Udp process");
        var udpMetricsPort = new Option<int?>("--udp-metrics-port") { Description = "its /metrics (payload counters, to tell where a loss happened)" };
        var echoPort = Required<int>("--echo-port", "Tools/UdpEcho's port");
        var echoPid = Required<int>("--echo-pid", "Tools/UdpEcho's pid");
        var asyncioPort = new Option<int?>("--asyncio-port") { Description = "asyncio_echo.py's port (left out when not given)" };
        var asyncioPid = new Option<int?>("--asyncio-pid") { Description = "asyncio_echo.py's pid" };
        var clients = Default("--clients", 50, "clients (one UDP socket each)");
        var rate = Default("--rate", 5_000, "datagrams/s the bench sends to each target, over all clients");
        var size = Default("--size", 100, "payload bytes (plain echoes get datagrams of the gateway's size)");
        var rounds = Default("--rounds", 5, "rounds; each runs every target once, order rotated");
        var seconds = Default("--seconds", 4.0, "measured window per target and round");
        var warmup = Default("--warmup", 2.0, "paced load before each window, not measured");
        var firstWarmup = Default("--first-warmup", 6.0, "before round 1, in two passes over the targets (JIT tiers)");
        var idle = Default("--idle", 2.0, "each target's idle CPU, measured once without load");
        var report = new Option<string?>("--report") { Description = "the figures as JSON" };
        var root = new RootCommand(Description)
        {
            tcpPort, udpPid, udpMetricsPort, echoPort, echoPid, asyncioPort, asyncioPid, clients, rate, size, rounds, seconds, warmup, firstWarmup, idle, report,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var code = await Tanks.Measurement.ToolCommandLine.RunAsync(
                () =>
                {
                    var options = new BenchOptions
                    {
                        TcpPort = Math.Clamp(parse.GetValue(tcpPort), 1, 65535),
                        UdpPid = Math.Clamp(parse.GetValue(udpPid), 1, int.MaxValue),
                        UdpMetricsPort = parse.GetValue(udpMetricsPort),
                        EchoPort = Math.Clamp(parse.GetValue(echoPort), 1, 65535),
                        EchoPid = Math.Clamp(parse.GetValue(echoPid), 1, int.MaxValue),
                        AsyncioPort = parse.GetValue(asyncioPort),
                        AsyncioPid = parse.GetValue(asyncioPid),
                        Clients = Math.Clamp(parse.GetValue(clients), 1, 1000),
                        Rate = Math.Clamp(parse.GetValue(rate), 1, 200_000),
                        Size = Math.Clamp(parse.GetValue(size), 1, maxPayloadBytes),
                        Rounds = Math.Clamp(parse.GetValue(rounds), 1, 100),
                        Seconds = Math.Clamp(parse.GetValue(seconds), 0.5, 120),
                        Warmup = Math.Clamp(parse.GetValue(warmup), 0, 30),
                        FirstWarmup = Math.Clamp(parse.GetValue(firstWarmup), 0, 60),
                        Idle = Math.Clamp(parse.GetValue(idle), 0, 60),
                        Report = parse.GetValue(report),
                    };
                    return options.AsyncioPort.HasValue == options.AsyncioPid.HasValue
                        ? options
                        : throw new ArgumentException("--asyncio-port and --asyncio-pid go together");
                },
                options => run(options, cancellationToken));
            exited(code);
            return code;
        });
        return root;
    }

    private static Option<T> Required<T>(string name, string description) => new(name) { Description = description, Required = true };

    private static Option<T> Default<T>(string name, T value, string description) => new(name) { Description = description, DefaultValueFactory = _ => value };
}
