using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Tanks.Gateway.Udp.Game;
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
    /// In <c>game</c> mode (the default) also the Orleans client and the game layer (<see cref="GameGateway"/>).
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
            .Validate(o => o.BatchedIo != BatchedIoMode.On || Tanks.BatchedUdp.UdpReceiveBatch.IsSupported,
                "UdpGateway:BatchedIo = on needs recvmmsg/sendmmsg (Linux on x86-64 or arm64); use auto or off")
            .ValidateOnStart();
        services.AddOptions<NetcodeOptions>()
            .BindConfiguration(NetcodeOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddListenChecks(sp =>
        {
            var o = sp.GetRequiredService<IOptions<UdpGatewayOptions>>().Value;
            return
            [
                new("UdpGateway:Port", o.ListenAddress, o.Port, ProtocolType.Udp, "UdpGateway:ListenAddress"),
                new("UdpGateway:MetricsPort", o.ListenAddress, o.MetricsPort, AddressSetting: "UdpGateway:ListenAddress"),
            ];
        });

        var key = SecretKeys.ReadOrGenerate(builder.Configuration, "Netcode:PrivateKey", NetcodeConstants.KeyBytes, NetcodeConstants.KeyBytes, out var generated);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<UdpGatewayMetrics>();
        var mode = builder.Configuration.GetSection(UdpGatewayOptions.SectionName).Get<UdpGatewayOptions>()?.PayloadMode ?? PayloadMode.Game;
        if (mode == PayloadMode.Game)
        {
            // The Orleans client's hosted service is registered first, so it has connected before the socket opens.
            builder.AddClusterClient();
            services.AddSingleton<GameMetrics>();
            services.AddSingleton(sp => new GameGateway(
                sp.GetRequiredService<IClusterClient>(),
                sp.GetRequiredService<GameMetrics>(),
                sp.GetRequiredService<IOptions<UdpGatewayOptions>>().Value,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Tanks.Gateway.Udp.Game")));
        }

        services.AddSingleton<IPayloadHandler>(sp => sp.GetRequiredService<IOptions<UdpGatewayOptions>>().Value.PayloadMode switch
        {
            PayloadMode.Game => sp.GetRequiredService<GameGateway>(),
            PayloadMode.Echo => new EchoPayloadHandler(),
            _ => new NullPayloadHandler(),
        });
        services.AddSingleton(sp =>
        {
            var handler = sp.GetRequiredService<IPayloadHandler>();
            var gateway = new UdpGateway(
                sp.GetRequiredService<IOptions<UdpGatewayOptions>>().Value,
                sp.GetRequiredService<IOptions<NetcodeOptions>>().Value,
                key,
                sp.GetRequiredService<UdpGatewayMetrics>(),
                handler,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Tanks.Gateway.Udp"));
            (handler as GameGateway)?.Attach(gateway);
            return gateway;
        });
        services.AddHostedService(sp => new UdpGatewayService(
            sp.GetRequiredService<UdpGateway>(),
            sp.GetRequiredService<IOptions<UdpGatewayOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Tanks.Gateway.Udp"),
            generated));
        if (mode == PayloadMode.Game)
        {
            services.AddHostedService<GameService>();
        }

        services.AddHealthChecks().AddCheck<UdpReadyCheck>("udp", tags: [Tanks.ServiceDefaults.Extensions.ReadyTag]);

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var o = context.Configuration.GetSection(UdpGatewayOptions.SectionName).Get<UdpGatewayOptions>() ?? new UdpGatewayOptions();
            if (o.MetricsPort is < 0 or > 65535 || !(o.ListenAddress is "*" or "" || IPAddress.TryParse(o.ListenAddress, out _)))
            {
                return; // options validation reports the bad setting by name before anything listens
            }

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

            try
            {
                gateway.Start();
            }
            catch (SocketException ex)
            {
                // Name the endpoint, so the start-up error line can name the setting that moves it (StartupErrors).
                throw new IOException($"Failed to bind UDP {options.ListenAddress}:{options.Port}: {ex.Message}", ex);
            }

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
