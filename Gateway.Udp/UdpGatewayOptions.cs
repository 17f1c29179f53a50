using System.ComponentModel.DataAnnotations;

namespace Tanks.Gateway.Udp;

/// <summary>What Gateway.Udp does with the payloads of connected clients.</summary>
public enum PayloadMode
{
    /// <summary>The game (the default): game messages, battles through the Orleans cluster (<c>Gateway.Udp/Game/</c>).</summary>
    Game,

    /// <summary>Count them and drop them (no game layer, no Orleans client).</summary>
    None,

    /// <summary>Send each payload back to its sender: a test and measurement mode of the connection layer, not a game.</summary>
    Echo,
}

/// <summary>How Gateway.Udp moves datagrams between its sockets and the kernel.</summary>
public enum BatchedIoMode
{
    /// <summary><see cref="On"/> where the platform has <c>recvmmsg</c>/<c>sendmmsg</c> (Linux, 64-bit), else <see cref="Off"/>.</summary>
    Auto,

    /// <summary>Many datagrams per system call; the gateway refuses to start where the platform lacks the calls.</summary>
    On,

    /// <summary>One system call per datagram (.NET's <c>ReceiveFrom</c>/<c>SendTo</c>): every platform.</summary>
    Off,
}

/// <summary>The netcode 1.02 UDP server: sockets, capacity, timing. Tokens and keys are in <c>Netcode</c>.</summary>
public sealed class UdpGatewayOptions
{
    public const string SectionName = "UdpGateway";

    [Range(0, 65535)]
    public int Port { get; set; } = 9999;

    /// <summary>HTTP port for <c>/metrics</c> and <c>/health/*</c>.</summary>
    [Range(0, 65535)]
    public int MetricsPort { get; set; } = 8001;

    /// <summary>Address to bind: loopback by default (a developer's machine); <c>*</c> means every interface (IPv6 dual-mode when available, else IPv4), as the image sets.</summary>
    [Required]
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// This server's address as tokens name it (the private token's address list must contain it). Unset: the
    /// first of <c>Netcode:PublicAddresses</c>. Behind nginx: the address clients send to, not the bound one.
    /// </summary>
    public string? ServerAddress { get; set; }

    /// <summary>Client slots; a response beyond them gets a connection denied packet.</summary>
    [Range(1, 1_000_000)]
    public int MaxClients { get; set; } = 4096;

    /// <summary>Sockets bound to the port with SO_REUSEPORT (Linux), each with its own receive thread.</summary>
    [Range(1, 64)]
    public int Sockets { get; set; } = 1;

    /// <summary>
    /// <c>auto</c> (default), <c>on</c> or <c>off</c>: receive with <c>recvmmsg</c> and send each burst (a tick's
    /// snapshots, a received batch's answers, the keep-alives) with <c>sendmmsg</c>.
    /// </summary>
    public BatchedIoMode BatchedIo { get; set; } = BatchedIoMode.Auto;

    /// <summary>Whether <see cref="BatchedIo"/> comes out on here.</summary>
    public bool UsesBatchedIo => BatchedIo switch
    {
        BatchedIoMode.On => true,
        BatchedIoMode.Off => false,
        _ => Tanks.BatchedUdp.UdpReceiveBatch.IsSupported,
    };

    /// <summary>SO_RCVBUF asked for each socket (the kernel caps it at net.core.rmem_max).</summary>
    [Range(64 * 1024, 256 * 1024 * 1024)]
    public int ReceiveBufferBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>SO_SNDBUF asked for each socket.</summary>
    [Range(64 * 1024, 256 * 1024 * 1024)]
    public int SendBufferBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Period of the logic loop (keep-alives, timeouts).</summary>
    [Range(1, 100)]
    public int TickMilliseconds { get; set; } = 10;

    /// <summary>A client that has been sent nothing for this long gets a keep-alive (the standard's 10 Hz).</summary>
    [Range(10, 1000)]
    public int KeepAliveMilliseconds { get; set; } = 100;

    /// <summary>Addresses between request and response (encryption mappings not yet connected); beyond: silence.</summary>
    [Range(1, 4_000_000)]
    public int MaxPendingConnections { get; set; } = 16384;

    /// <summary>Connect token MACs remembered with the address that first used them ("connect token entries").</summary>
    [Range(1, 16_000_000)]
    public int TokenHistoryCapacity { get; set; } = 65536;

    /// <summary><c>game</c> (default), <c>echo</c> (connection-layer tests and measurements) or <c>none</c>.</summary>
    public PayloadMode PayloadMode { get; set; } = PayloadMode.Game;

    /// <summary>
    /// Snapshots as deltas against the newest state each client acknowledged (default). <c>false</c> sends every
    /// snapshot in full: the baseline the delta encoding is measured against (docs/performance.md), not for production.
    /// </summary>
    public bool DeltaSnapshots { get; set; } = true;

    /// <summary>Game inputs accepted per client per second, as a multiple of the battle's tick rate; extra ones are dropped.</summary>
    [Range(1, 10)]
    public int InputRateFactor { get; set; } = 2;

    /// <summary>Queue requests (join, leave) accepted per client per second; extra ones are dropped.</summary>
    [Range(1, 100)]
    public int QueueRequestsPerSecond { get; set; } = 5;
}
