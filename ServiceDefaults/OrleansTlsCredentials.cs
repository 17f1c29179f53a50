using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tanks.ServiceDefaults;

/// <summary>
/// This process's certificate and the CA its peers must chain to, read from the files <see cref="OrleansTlsOptions"/>
/// names. Anything missing, unreadable or not matching is a configuration error (exit code 2) found before Orleans starts.
/// </summary>
public sealed class OrleansTlsCredentials
{
    private OrleansTlsCredentials(X509Certificate2 certificate, X509Certificate2Collection roots, X509Certificate2Collection intermediates)
    {
        Certificate = certificate;
        Roots = roots;
        Intermediates = intermediates;
    }

    /// <summary>What this process presents, as server (inbound) and as client (outbound).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The self-signed CA certificates of the CA file: the only trust anchors.</summary>
    public X509Certificate2Collection Roots { get; }

    /// <summary>Non-self-signed certificates of the CA file (intermediates), used to complete a peer's chain.</summary>
    public X509Certificate2Collection Intermediates { get; }

    public static OrleansTlsCredentials Load(OrleansTlsOptions options)
    {
        var certificatePath = Required(options.CertificatePath, "CertificatePath");
        var caPath = Required(options.CaCertificatePath, "CaCertificatePath");
        Readable(certificatePath, "CertificatePath");
        Readable(caPath, "CaCertificatePath");
        if (!string.IsNullOrWhiteSpace(options.KeyPath))
        {
            Readable(options.KeyPath, "KeyPath");
        }

        var certificate = LoadCertificate(options, certificatePath);
        var (roots, intermediates) = LoadAuthorities(caPath);

        // A certificate from another CA (a stale Secret, a mixed-up mount) would be refused by every peer: say so now.
        using var chain = OrleansTlsPeerValidator.CreateChain(roots, intermediates);
        if (!chain.Build(certificate))
        {
            var why = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            throw Error("CertificatePath", certificatePath,
                $"'{certificate.Subject}' does not chain to the CA in {Setting("CaCertificatePath")} = '{caPath}' ({why})");
        }

        return new OrleansTlsCredentials(certificate, roots, intermediates);
    }

    private static X509Certificate2 LoadCertificate(OrleansTlsOptions options, string path)
    {
        X509Certificate2 certificate;
        try
        {
            if (IsPem(path))
            {
                certificate = string.IsNullOrWhiteSpace(options.KeyPath)
                    ? X509Certificate2.CreateFromPemFile(path)
                    : X509Certificate2.CreateFromPemFile(path, options.KeyPath);
            }
            else
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
            }
        }
        catch (CryptographicException ex)
        {
            var expected = IsPem(path)
                ? string.IsNullOrWhiteSpace(options.KeyPath) ? "a PEM certificate and its private key (or set KeyPath)" : $"a PEM certificate matching the key in {Setting("KeyPath")}"
                : "a PFX/PKCS#12 file (with CertificatePassword, if it has one)";
            throw Error("CertificatePath", path, $"not {expected}: {ex.Message.TrimEnd('.')}");
        }

        if (!certificate.HasPrivateKey)
        {
            throw Error("CertificatePath", path, "the certificate has no private key");
        }

        return certificate;
    }

    private static (X509Certificate2Collection Roots, X509Certificate2Collection Intermediates) LoadAuthorities(string path)
    {
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPemFile(path);
        }
        catch (CryptographicException ex)
        {
            throw Error("CaCertificatePath", path, $"not a PEM file of CA certificates: {ex.Message.TrimEnd('.')}");
        }

        var roots = new X509Certificate2Collection();
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in all)
        {
            (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData) ? roots : intermediates).Add(certificate);
        }

        if (roots.Count == 0)
        {
            throw Error("CaCertificatePath", path, "holds no self-signed CA certificate");
        }

        return (roots, intermediates);
    }

    private static string Required(string? value, string key)
        => string.IsNullOrWhiteSpace(value)
            ? throw new TanksConfigurationException($"{Setting(key)} is not set; it is required when {Setting("Enabled")} is true")
            : value;

    private static void Readable(string path, string key)
    {
        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var why = ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : $"cannot be read ({ex.Message.TrimEnd('.')})";
            throw Error(key, path, why);
        }
    }

    private static bool IsPem(string path)
    {
        Span<byte> head = stackalloc byte[64];
        using var file = File.OpenRead(path);
        var read = file.Read(head);
        return System.Text.Encoding.ASCII.GetString(head[..read]).Contains("-----BEGIN", StringComparison.Ordinal);
    }

    private static TanksConfigurationException Error(string key, string value, string why)
        => new($"{Setting(key)} = '{value}': {why}");

    /// <summary>A setting as an environment variable and as a configuration key, as every start-up error names it.</summary>
    private static string Setting(string key) => $"{OrleansTlsOptions.SectionName}__{key} ({OrleansTlsOptions.SectionName}:{key})";
}
