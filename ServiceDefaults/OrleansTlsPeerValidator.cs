using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tanks.ServiceDefaults;

/// <summary>
/// Accepts a peer (silo or gateway) only if its certificate chains to the cluster's CA. The machine's trust store
/// plays no part (a certificate from a public CA is refused), and the host name is not checked: pods are dialled by IP
/// and every member shares the CA, so the CA's signature is the identity.
/// </summary>
public sealed partial class OrleansTlsPeerValidator(OrleansTlsCredentials credentials)
{
    public OrleansTlsCredentials Credentials { get; } = credentials;

    /// <summary>Set once the host's logging exists (<see cref="OrleansTlsExtensions"/>); handshakes before that are not logged.</summary>
    internal ILogger Logger { get; set; } = NullLogger.Instance;

    public bool Validate(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        // SslStream's own verdict (errors) used the machine store and the host name: both deliberately ignored.
        using var chain = CreateChain(Credentials.Roots, Credentials.Intermediates);
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate); // intermediates the peer sent; trust still only from Roots
            }
        }

        if (chain.Build(certificate))
        {
            return true;
        }

        LogRejected(Logger, certificate.Subject, certificate.Issuer,
            string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct()));
        return false;
    }

    /// <summary>A chain that trusts only <paramref name="roots"/> (custom root trust) and checks no revocation (the cluster's CA publishes no CRL).</summary>
    public static X509Chain CreateChain(X509Certificate2Collection roots, X509Certificate2Collection intermediates)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Orleans TLS: refused a peer's certificate '{Subject}' issued by '{Issuer}': {Status} (it is not issued by this cluster's CA, OrleansTls:CaCertificatePath)")]
    private static partial void LogRejected(ILogger logger, string subject, string issuer, string status);
}
