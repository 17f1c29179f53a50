namespace Tanks.ServiceDefaults;

/// <summary>
/// Mutual TLS between Orleans processes (silo to silo, gateway client to silo): every member presents a certificate
/// issued by the cluster's own CA and accepts only peers whose certificate chains to that CA (docs/operations.md,
/// "Orleans TLS"). Off by default so the embedded local stack needs no certificates; the Helm chart turns it on.
/// </summary>
public sealed class OrleansTlsOptions
{
    public const string SectionName = "OrleansTls";

    public bool Enabled { get; set; }

    /// <summary>This process's certificate: PEM (with <see cref="KeyPath"/>, or the key in the same file) or PFX/PKCS#12.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>; unset when the key is in the certificate file or a PFX.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PFX's password, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>PEM file of the CA certificate(s) a peer's certificate must chain to; the machine's trust store is not used.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>How long a TLS handshake may take before the connection is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
