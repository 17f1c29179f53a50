using System.ComponentModel.DataAnnotations;

namespace Tanks.Gateway.Tcp;

/// <summary>The TCP auth listener and its defences.</summary>
public sealed class TcpGatewayOptions
{
    public const string SectionName = "TcpGateway";

    [Range(0, 65535)]
    public int Port { get; set; } = 8888;

    /// <summary>HTTP port for <c>/metrics</c> and <c>/health/*</c>.</summary>
    [Range(0, 65535)]
    public int MetricsPort { get; set; } = 8000;

    /// <summary>Address to listen on: loopback by default (a developer's machine); <c>*</c> means every interface (IPv4 and IPv6), as the image sets.</summary>
    [Required]
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>A connection that starts no frame for this long is closed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A frame (or a PROXY header) must arrive whole within this time of its first byte: slowloris defence.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan FrameTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the cluster on one request before answering <c>unavailable</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Open connections allowed per client address (beyond it: <c>too_many_connections</c>).</summary>
    [Range(1, 100000)]
    public int MaxConnectionsPerAddress { get; set; } = 32;

    /// <summary>Open connections allowed in all.</summary>
    [Range(1, 1000000)]
    public int MaxConnections { get; set; } = 10000;

    /// <summary>Register, login and refresh requests one address may burst (token bucket size).</summary>
    [Range(1, 100000)]
    public int AuthBurstPerAddress { get; set; } = 20;

    /// <summary>Tokens added back per minute per address. Mobile carriers put many players behind one address: keep generous.</summary>
    [Range(1, 1000000)]
    public int AuthRequestsPerMinutePerAddress { get; set; } = 60;

    /// <summary>Expect a PROXY protocol v1 header first on each connection (nginx <c>proxy_protocol on</c>).</summary>
    public bool ProxyProtocol { get; set; }

    /// <summary>PEM certificate (chain) for TLS; TLS is on when this and <see cref="TlsKeyPath"/> are set.</summary>
    public string? TlsCertificatePath { get; set; }

    public string? TlsKeyPath { get; set; }

    public bool TlsEnabled => !string.IsNullOrWhiteSpace(TlsCertificatePath);
}
