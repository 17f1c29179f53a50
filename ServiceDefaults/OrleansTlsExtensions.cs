using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace Tanks.ServiceDefaults;

/// <summary>
/// Mutual TLS on every Orleans connection of this process when <c>OrleansTls:Enabled</c> is true: silo to silo, a
/// gateway client to a silo's gateway port. Each side presents its certificate and requires the other's, and both
/// accept only certificates issued by the cluster's CA (<see cref="OrleansTlsPeerValidator"/>).
/// </summary>
public static partial class OrleansTlsExtensions
{
    public static OrleansTlsOptions GetOrleansTlsOptions(this IConfiguration configuration)
        => configuration.GetSection(OrleansTlsOptions.SectionName).Get<OrleansTlsOptions>() ?? new OrleansTlsOptions();

    /// <summary>The silo: TLS on its silo port and gateway port, and on its connections to other silos.</summary>
    public static ISiloBuilder UseOrleansTls(this ISiloBuilder silo, OrleansTlsOptions options)
    {
        if (Prepare(silo.Services, options) is { } validator)
        {
            silo.UseTls(validator.Credentials.Certificate, tls => Configure(tls, validator, options));
        }

        return silo;
    }

    /// <summary>An Orleans client (the gateways): TLS to the silos' gateway ports, with this process's certificate.</summary>
    public static IClientBuilder UseOrleansTls(this IClientBuilder client, OrleansTlsOptions options)
    {
        if (Prepare(client.Services, options) is { } validator)
        {
            client.UseTls(validator.Credentials.Certificate, tls => Configure(tls, validator, options));
        }

        return client;
    }

    /// <summary>Loads the files now (a bad one is a configuration error before anything starts) and wires the log.</summary>
    private static OrleansTlsPeerValidator? Prepare(IServiceCollection services, OrleansTlsOptions options)
    {
        if (!options.Enabled)
        {
            return null;
        }

        var validator = new OrleansTlsPeerValidator(OrleansTlsCredentials.Load(options));
        // First of the hosted services, so the validator logs before Orleans opens its ports or dials a silo.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => new LogBinder(validator, sp.GetRequiredService<ILogger<OrleansTlsPeerValidator>>())));
        return validator;
    }

    private static void Configure(TlsOptions tls, OrleansTlsPeerValidator validator, OrleansTlsOptions options)
    {
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate; // the peer must present one
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate; // and so do we when we dial
        tls.RemoteCertificateValidation = validator.Validate;
        tls.HandshakeTimeout = options.HandshakeTimeout;
    }

    private sealed class LogBinder(OrleansTlsPeerValidator validator, ILogger<OrleansTlsPeerValidator> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            validator.Logger = logger;
            var certificate = validator.Credentials.Certificate;
            LogEnabled(logger, certificate.Subject, certificate.Thumbprint, certificate.NotAfter.ToUniversalTime(),
                string.Join("; ", validator.Credentials.Roots.Select(r => r.Subject)));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Orleans TLS on: this process presents '{Subject}' ({Thumbprint}, valid until {NotAfter:u}); peers must present a certificate issued by '{Ca}'")]
    private static partial void LogEnabled(ILogger logger, string subject, string thumbprint, DateTime notAfter, string ca);
}
