using Prometheus;
using Tanks.Protocol.Netcode;

namespace Tanks.Gateway.Udp;

/// <summary>Handshake verdicts, the <c>outcome</c> label of <c>tanks_udp_handshakes_total</c>.</summary>
public enum HandshakeOutcome
{
    /// <summary>A response was accepted: the client has a slot.</summary>
    Accepted,

    /// <summary>The server was full: a connection denied packet was sent.</summary>
    Denied,

    /// <summary>A request whose connect token had expired.</summary>
    Expired,

    /// <summary>A request or response that was well formed but whose token did not open or did not name this server.</summary>
    BadToken,

    /// <summary>A token already used from another address, or a client id or address already connected.</summary>
    Replay,

    /// <summary>A request or response that failed the packet checks (length, prefix, authentication).</summary>
    BadPacket,
}

/// <summary>
/// Prometheus metrics of the UDP gateway (names are part of the product: dashboards and alerts use them).
/// Every labelled child is resolved once here, so the per-packet updates allocate nothing.
/// </summary>
public sealed class UdpGatewayMetrics
{
    /// <summary>Index of the <c>invalid</c> type in the per-type arrays (types 0..6 use their own value).</summary>
    public const int Invalid = 7;

    private static readonly string[] TypeNames = ["request", "denied", "challenge", "response", "keepalive", "payload", "disconnect", "invalid"];
    private static readonly string[] OutcomeNames = ["accepted", "denied", "expired", "bad_token", "replay", "bad_packet"];

    private static readonly Gauge ClientsConnected = Metrics.CreateGauge(
        "tanks_udp_clients_connected", "Clients in a slot (connected) on this gateway.");

    private static readonly Counter Handshakes = Metrics.CreateCounter(
        "tanks_udp_handshakes_total", "Handshake verdicts by outcome (accepted, denied, expired, bad_token, replay, bad_packet).",
        new CounterConfiguration { LabelNames = ["outcome"] });

    private static readonly Counter Packets = Metrics.CreateCounter(
        "tanks_udp_packets_total", "Datagrams by direction (in, out) and netcode packet type; in-packets that fail validation are type invalid.",
        new CounterConfiguration { LabelNames = ["direction", "type"] });

    private static readonly Counter Bytes = Metrics.CreateCounter(
        "tanks_udp_bytes_total", "Datagram bytes by direction and type (UDP payload bytes, no IP/UDP headers).",
        new CounterConfiguration { LabelNames = ["direction", "type"] });

    private static readonly Counter SystemCalls = Metrics.CreateCounter(
        "tanks_udp_system_calls_total", "Socket system calls by direction (in: recvfrom/recvmmsg, out: sendto/sendmmsg); packets over calls is the batching factor.",
        new CounterConfiguration { LabelNames = ["direction"] });

    private static readonly Counter SendFailures = Metrics.CreateCounter(
        "tanks_udp_send_failures_total", "Datagrams counted in tanks_udp_packets_total{direction=\"out\"} that the kernel then refused (send buffer full, unreachable).");

    private static readonly Counter ReceiveCpu = Metrics.CreateCounter(
        "tanks_udp_receive_cpu_seconds_total", "CPU time spent by the receive thread(s) (per-thread CPU clock).");

    private static readonly Counter ReceiveAllocated = Metrics.CreateCounter(
        "tanks_udp_receive_allocated_bytes_total", "Bytes the receive thread(s) allocated (GC.GetAllocatedBytesForCurrentThread); 0 per packet at steady state.");

    private readonly Counter.Child[] _packetsIn = new Counter.Child[8];
    private readonly Counter.Child[] _packetsOut = new Counter.Child[8];
    private readonly Counter.Child[] _bytesIn = new Counter.Child[8];
    private readonly Counter.Child[] _bytesOut = new Counter.Child[8];
    private readonly Counter.Child[] _handshakes = new Counter.Child[OutcomeNames.Length];
    private readonly Counter.Child _callsIn = SystemCalls.WithLabels("in");
    private readonly Counter.Child _callsOut = SystemCalls.WithLabels("out");

    public UdpGatewayMetrics()
    {
        for (var i = 0; i < TypeNames.Length; i++)
        {
            _packetsIn[i] = Packets.WithLabels("in", TypeNames[i]);
            _packetsOut[i] = Packets.WithLabels("out", TypeNames[i]);
            _bytesIn[i] = Bytes.WithLabels("in", TypeNames[i]);
            _bytesOut[i] = Bytes.WithLabels("out", TypeNames[i]);
        }

        for (var i = 0; i < OutcomeNames.Length; i++)
        {
            _handshakes[i] = Handshakes.WithLabels(OutcomeNames[i]);
        }

        ClientsConnected.Set(0);
    }

    public void In(NetcodePacketType type, int bytes) => In((int)type, bytes);

    public void InInvalid(int bytes) => In(Invalid, bytes);

    public void Out(NetcodePacketType type, int bytes)
    {
        _packetsOut[(int)type].Inc();
        _bytesOut[(int)type].Inc(bytes);
    }

    public void ReceiveCalls(int calls = 1) => _callsIn.Inc(calls);

    public void SendCalls(int calls = 1) => _callsOut.Inc(calls);

    public void SendFailed(int datagrams = 1) => SendFailures.Inc(datagrams);

    public void Handshake(HandshakeOutcome outcome) => _handshakes[(int)outcome].Inc();

    public void SetConnected(int clients) => ClientsConnected.Set(clients);

    public void ReceiveAllocatedBytes(long bytes) => ReceiveAllocated.Inc(bytes);

    public void ReceiveCpuSeconds(double seconds)
    {
        if (seconds > 0)
        {
            ReceiveCpu.Inc(seconds);
        }
    }

    private void In(int index, int bytes)
    {
        _packetsIn[index].Inc();
        _bytesIn[index].Inc(bytes);
    }
}
