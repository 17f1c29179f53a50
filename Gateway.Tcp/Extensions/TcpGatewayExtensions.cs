using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Tanks.Gateway.Tcp.Auth;
using Tanks.Gateway.Tcp.Connections;
using Tanks.Protocol.Netcode;
using Tanks.ServiceDefaults;

namespace Tanks.Gateway.Tcp.Extensions;

public static partial class TcpGatewayExtensions
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
            .Validate(o => o.ListenAddress is "*" or "" || IPAddress.TryParse(o.ListenAddress, out _),
                "TcpGateway:ListenAddress must be * or an IP address")
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

        services.AddListenChecks(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TcpGatewayOptions>>().Value;
            return
            [
                new("TcpGateway:Port", o.ListenAddress, o.Port, AddressSetting: "TcpGateway:ListenAddress"),
                new("TcpGateway:MetricsPort", o.ListenAddress, o.MetricsPort, AddressSetting: "TcpGateway:ListenAddress"),
            ];
        });
        builder.AddClusterClient();
        var endpoints = new ListenEndpoints();
        services.AddSingleton(endpoints);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var o = context.Configuration.GetSection(TcpGatewayOptions.SectionName).Get<TcpGatewayOptions>() ?? new TcpGatewayOptions();
            if (!CanListen(o))
            {
                return; // options validation reports the bad setting by name before anything listens
            }

            endpoints.Auth = Listen(kestrel, o.ListenAddress, o.Port, listen =>
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
            endpoints.Metrics = Listen(kestrel, o.ListenAddress, o.MetricsPort, _ => { });
        });
        services.AddHostedService<ListeningNotice>();
        return builder;
    }

    private static bool CanListen(TcpGatewayOptions o)
        => o.Port is >= 0 and <= 65535 && o.MetricsPort is >= 0 and <= 65535
            && (o.ListenAddress is "*" or "" || IPAddress.TryParse(o.ListenAddress, out _));

    /// <summary>Listens and returns the endpoint's options, whose address Kestrel updates to the bound one (port 0 included).</summary>
    private static ListenOptions? Listen(KestrelServerOptions kestrel, string address, int port, Action<ListenOptions> configure)
    {
        ListenOptions? options = null;
        void Capture(ListenOptions listen)
        {
            options = listen;
            configure(listen);
        }

        if (address is "*" or "")
        {
            kestrel.ListenAnyIP(port, Capture);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address), port, Capture);
        }

        return options;
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

    /// <summary>The two Kestrel endpoints, kept so the gateway can say what it really listens on.</summary>
    private sealed class ListenEndpoints
    {
        public ListenOptions? Auth { get; set; }

        public ListenOptions? Metrics { get; set; }
    }

    /// <summary>
    /// Says what listens where once Kestrel has bound (its own "Now listening on: http://..." line is silenced in
    /// appsettings.json: the auth port speaks no HTTP).
    /// </summary>
    private sealed class ListeningNotice(
        IOptions<TcpGatewayOptions> options, ListenEndpoints endpoints, IHostApplicationLifetime lifetime, ILogger<AuthConnectionHandler> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() =>
            {
                var o = options.Value;
                Log.Listening(logger, Describe(endpoints.Auth, o.Port), o.TlsEnabled, o.ProxyProtocol);
                LogMetricsListening(logger, Describe(endpoints.Metrics, o.MetricsPort));
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        // ListenAnyIP binds [::] dual-mode (IPv4 too), or 0.0.0.0 where IPv6 is off.
        private static string Describe(ListenOptions? listen, int port)
            => listen?.IPEndPoint is { } endPoint
                ? endPoint.Address.Equals(IPAddress.IPv6Any) || endPoint.Address.Equals(IPAddress.Any) ? $"{endPoint} (every interface)" : endPoint.ToString()
                : $"*:{port}";
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Metrics and health (HTTP) listening on http://{Endpoint}")]
    private static partial void LogMetricsListening(ILogger logger, string endpoint);
}
