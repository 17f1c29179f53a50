using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Tanks.Gateway.Tcp.Auth;
using Tanks.Gateway.Tcp.Connections;
using Tanks.Protocol.Netcode;
using Tanks.ServiceDefaults;

namespace Tanks.Gateway.Tcp.Extensions;

public static class TcpGatewayExtensions
{
    /// <summary>
    /// The TCP gateway: an Orleans client to the accounts, the auth protocol on Kestrel's connection pipeline
    /// (PROXY header → TLS → frames), and the HTTP metrics/health port.
    /// </summary>
    public static WebApplicationBuilder AddTcpGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TcpGatewayOptions>()
            .BindConfiguration(TcpGatewayOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.TlsEnabled == !string.IsNullOrWhiteSpace(o.TlsKeyPath),
                "TcpGateway:TlsCertificatePath and TcpGateway:TlsKeyPath must be set together")
            .ValidateOnStart();
        services.AddOptions<JwtOptions>()
            .BindConfiguration(JwtOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var signingKey = SecretKeys.ReadOrGenerate(builder.Configuration, "Jwt:SigningKey", 32, 512, out var generated);
        services.AddSingleton(new SigningKey(signingKey));
        if (generated)
        {
            services.AddHostedService(sp => new StartupNotice(sp.GetRequiredService<ILogger<AccessTokenIssuer>>(), "Jwt:SigningKey"));
        }

        services.AddOptions<NetcodeOptions>()
            .BindConfiguration(NetcodeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var netcodeKey = SecretKeys.ReadOrGenerate(builder.Configuration, "Netcode:PrivateKey", 32, 32, out var netcodeGenerated);
        services.AddSingleton(new NetcodePrivateKey(netcodeKey));
        if (netcodeGenerated)
        {
            // Tokens sealed with a key of our own will not open on Gateway.Udp: fine for auth-only runs, not for play.
            services.AddHostedService(sp => new StartupNotice(sp.GetRequiredService<ILogger<ConnectTokenIssuer>>(), "Netcode:PrivateKey"));
        }

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ConnectTokenIssuer>();
        services.AddSingleton<TcpGatewayMetrics>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<AuthService>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TcpGatewayOptions>>().Value;
            return new ConnectionLimiter(o.MaxConnectionsPerAddress, o.MaxConnections);
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TcpGatewayOptions>>().Value;
            var period = TimeSpan.FromMinutes(1.0 / o.AuthRequestsPerMinutePerAddress);
            // Idle partitions are dropped by the limiter itself, so memory does not grow with addresses seen.
            return PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(
                address,
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = o.AuthBurstPerAddress,
                    TokensPerPeriod = 1,
                    ReplenishmentPeriod = period < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : period,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        });

        builder.AddClusterClient();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var o = context.Configuration.GetSection(TcpGatewayOptions.SectionName).Get<TcpGatewayOptions>() ?? new TcpGatewayOptions();
            Listen(kestrel, o.ListenAddress, o.Port, listen =>
            {
                if (o.ProxyProtocol)
                {
                    listen.Use(next => new ProxyProtocolMiddleware(
                        next,
                        listen.ApplicationServices.GetRequiredService<IOptions<TcpGatewayOptions>>(),
                        listen.ApplicationServices.GetRequiredService<TcpGatewayMetrics>()).OnConnectionAsync);
                }

                if (o.TlsEnabled)
                {
                    listen.UseHttps(X509Certificate2.CreateFromPemFile(o.TlsCertificatePath!, o.TlsKeyPath));
                }

                listen.UseConnectionHandler<AuthConnectionHandler>();
            });
            Listen(kestrel, o.ListenAddress, o.MetricsPort, _ => { });
        });
        services.AddHostedService<ListeningNotice>();
        return builder;
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, string address, int port,
        Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> configure)
    {
        if (address is "*" or "")
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address), port, configure);
        }
    }

    private sealed class StartupNotice(ILogger logger, string key) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            Log.GeneratedKey(logger, key);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class ListeningNotice(IOptions<TcpGatewayOptions> options, ILogger<AuthConnectionHandler> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var o = options.Value;
            Log.Listening(logger, $"{o.ListenAddress}:{o.Port}", o.TlsEnabled, o.ProxyProtocol);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
