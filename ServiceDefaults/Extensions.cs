using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Tanks.ServiceDefaults;

/// <summary>What every Tanks process has: logging, options, health endpoints and Prometheus metrics.</summary>
public static class Extensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Logging__Format=json gives one JSON object per line on stdout (Loki, ELK); plain console otherwise.
        builder.Logging.ClearProviders();
        if (string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        StartupErrorLogFilter.Install(builder.Services);

        builder.Services.AddOptions<ClusterOptions>()
            .BindConfiguration(ClusterOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.ListenAddress is "*" || System.Net.IPAddress.TryParse(o.ListenAddress, out _),
                "Cluster:ListenAddress must be * or an IP address")
            .ValidateOnStart();
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName);

        // Nothing these processes protect with ASP.NET Core data protection must outlive the process (no cookies or
        // antiforgery tokens: the dashboard uses Basic auth, the gateways tokens of their own), so the key ring lives
        // in memory: no keys are written to disk unencrypted, hence no "No XML encryptor configured" warning.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        // prometheus-net's default registry also exports .NET meters, Orleans' "Microsoft.Orleans" among them.
        return builder;
    }

    public static ClusterOptions GetClusterOptions(this IConfiguration configuration)
        => configuration.GetSection(ClusterOptions.SectionName).Get<ClusterOptions>() ?? new ClusterOptions();

    public static RedisOptions GetRedisOptions(this IConfiguration configuration)
        => configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>() ?? new RedisOptions();

    /// <summary>Maps <c>/health/live</c> (the process answers), <c>/health/ready</c> (it can serve) and <c>/metrics</c>.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag) || r.Tags.Contains(LiveTag) });
        app.MapMetrics("/metrics");
        return app;
    }

    /// <summary>Validates options now, so a bad setting stops the process with a clear message before it listens.</summary>
    public static T GetValidated<T>(this IServiceProvider services) where T : class
        => services.GetRequiredService<IOptions<T>>().Value;
}
