using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tanks.ServiceDefaults;

/// <summary>
/// A throwaway cluster CA for tests and benchmarks: issues member certificates shaped like the chart's (RSA 2048,
/// server and client authentication) and writes them as the PEM files <see cref="OrleansTlsOptions"/> reads.
/// Production certificates come from the Helm chart or cert-manager (docs/operations.md, "Orleans TLS").
/// </summary>
public sealed class OrleansTlsTestAuthority : IDisposable
{
    private OrleansTlsTestAuthority(X509Certificate2 certificate) => Certificate = certificate;

    public X509Certificate2 Certificate { get; }

    public static OrleansTlsTestAuthority Create(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return new OrleansTlsTestAuthority(request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1)));
    }

    /// <summary>A member certificate signed by this CA, with its private key.</summary>
    public X509Certificate2 Issue(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server auth, client auth
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Certificate, now.AddMinutes(-5), now.AddHours(12), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Writes <c>tls.crt</c>, <c>tls.key</c> (PKCS#1, as helm's genSignedCert) and <c>ca.crt</c> into
    /// <paramref name="directory"/>, the layout of the chart's Secret, and returns the options naming them.
    /// </summary>
    public OrleansTlsOptions WriteMember(X509Certificate2 member, string directory)
    {
        Directory.CreateDirectory(directory);
        var options = new OrleansTlsOptions
        {
            Enabled = true,
            CertificatePath = Path.Combine(directory, "tls.crt"),
            KeyPath = Path.Combine(directory, "tls.key"),
            CaCertificatePath = Path.Combine(directory, "ca.crt"),
        };
        File.WriteAllText(options.CertificatePath, member.ExportCertificatePem());
        File.WriteAllText(options.KeyPath, member.GetRSAPrivateKey()!.ExportRSAPrivateKeyPem());
        File.WriteAllText(options.CaCertificatePath, Certificate.ExportCertificatePem());
        return options;
    }

    public void Dispose() => Certificate.Dispose();
}
