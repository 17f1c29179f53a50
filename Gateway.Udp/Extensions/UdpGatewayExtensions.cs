using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Tanks.Gateway.Udp.Payloads;
using Tanks.Gateway.Udp.Server;
using Tanks.Protocol.Netcode;
using Tanks.ServiceDefaults;

namespace Tanks.Gateway.Udp.Extensions;

public static class UdpGatewayExtensions
{
    /// <summary>
    /// The UDP gateway: netcode 1.02 server on <c>UdpGateway:Port</c> with its receive and logic threads, the
    /// payload handler chosen by <c>UdpGateway:PayloadMode</c>, and the HTTP metrics/health port.
    /// The Orleans client (battles) plugs in later behind <see cref="IPayloadHandler"/>.
    /// </summary>
    public static WebApplicationBuilder AddUdpGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<UdpGatewayOptions>()
            .BindConfiguration(UdpGatewayOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.ServerAddress is null || NetcodeAddress.TryParse(o.ServerAddress, out _),
                "UdpGateway:ServerAddress must be an IP address with a port (e.g. 203.0.113.7:9999)")
            .Validate(o => o.ListenAddress is "*" or "" || IPAddress.TryParse(o.ListenAddress, out _),
                "UdpGateway:ListenAddress must be * or an IP address")
            .Validate(o => o.Sockets == 1 || OperatingSystem.IsLinux(), "UdpGateway:Sockets > 1 needs SO_REUSEPORT (Linux)")
            .ValidateOnStart();
        services.AddOptions<NetcodeOptions>()
            .BindConfiguration(NetcodeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var key = SecretKeys.ReadOrGenerate(builder.Configuration, "Netcode:PrivateKey", NetcodeConstants.KeyBytes, NetcodeConstants.KeyBytes, out var generated);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<UdpGatewayMetrics>();
        services.AddSingleton<IPayloadHandler>(sp => sp.GetRequiredService<IOptions<UdpGatewayOptions>>().Value.PayloadMode switch
        {
            PayloadMode.Echo => new EchoPayloadHandler(),
            _ => new NullPayloadHandler(),
        });
        services.AddSingleton(sp => new UdpGateway(
            sp.GetRequiredService<IOptions<UdpGatewayOptions>>().Value,
            sp.GetRequiredService<IOptions<NetcodeOptions>>().Value,
            key,
            sp.GetRequiredService<UdpGatewayMetrics>(),
            sp.GetRequiredService<IPayloadHandler>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Tanks.Gateway.Udp")));
        services.AddHostedService(sp => new UdpGatewayService(
            sp.GetRequiredService<UdpGateway>(),
            sp.GetRequiredService<IOptions<UdpGatewayOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Tanks.Gateway.Udp"),
            generated));
        services.AddHealthChecks().AddCheck<UdpReadyCheck>("udp", tags: [Tanks.ServiceDefaults.Extensions.ReadyTag]);

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var o = context.Configuration.GetSection(UdpGatewayOptions.SectionName).Get<UdpGatewayOptions>() ?? new UdpGatewayOptions();
            if (o.ListenAddress is "*" or "")
            {
                kestrel.ListenAnyIP(o.MetricsPort);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(o.ListenAddress), o.MetricsPort);
            }
        });
        return builder;
    }

    private sealed class UdpGatewayService(UdpGateway gateway, UdpGatewayOptions options, ILogger logger, bool generatedKey) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (generatedKey)
            {
                Log.GeneratedKey(logger, "Netcode:PrivateKey");
            }

            gateway.Start();
            Log.Listening(logger, gateway.LocalEndPoint!.ToString(), options.Sockets, gateway.ServerAddress.ToString(), options.MaxClients, options.PayloadMode);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            gateway.Dispose();
            return Task.CompletedTask;
        }
    }

    private sealed class UdpReadyCheck(UdpGateway gateway) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
            => Task.FromResult(gateway.IsRunning ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("UDP socket not bound"));
    }
}
