using System.ComponentModel.DataAnnotations;

namespace Tanks.ServiceDefaults;

/// <summary>Where the Orleans cluster is and who belongs to it; shared by the silo and both gateways.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>Silos and clients with the same cluster id form one cluster (a deployment).</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string ClusterId { get; set; } = "tanks-local";

    /// <summary>Stays the same across deployments: grain state is keyed by it.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string ServiceId { get; set; } = "tanks";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Where the silo listens (silo-to-silo and Orleans gateway ports): loopback by default, so a developer's silo is
    /// not on the network; <c>*</c> = every interface (the images and the chart set it). Unset advertised address: a
    /// single IP here is also what other silos and clients are told.
    /// </summary>
    [Required]
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The IP address other silos and clients use to reach this silo (the pod IP in Kubernetes).</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Without Redis, the gateways reach the silo's Orleans gateway on this host.</summary>
    [Required]
    public string GatewayHost { get; set; } = "127.0.0.1";

    /// <summary>
    /// Membership: how long a probe of another silo may take, and how many in a row may fail before this silo
    /// suspects it. With <see cref="NumVotesForDeathDeclaration"/> suspicions a silo is declared dead: a killed silo is
    /// found in about ProbeTimeout x NumMissedProbesLimit (see docs/operations.md, "Membership timing").
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    [Range(1, 10)]
    public int NumMissedProbesLimit { get; set; } = 3;

    [Range(1, 10)]
    public int NumVotesForDeathDeclaration { get; set; } = 2;
}
