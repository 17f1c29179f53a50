using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;
using Tanks.Grains;
using Tanks.Silo.Dashboard;
using Tanks.Silo.Drain;
using Tanks.Silo.Viewer;
using Tanks.ServiceDefaults;

namespace Tanks.Silo.Extensions;

public static partial class SiloExtensions
{
    /// <summary>
    /// The Orleans silo: Redis clustering and grain storage when <c>Redis:ConnectionString</c> is set, else the
    /// embedded default (localhost clustering, in-memory storage); the dashboard behind Basic auth; readiness.
    /// </summary>
    public static WebApplicationBuilder AddTanksSilo(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetClusterOptions();
        var redis = builder.Configuration.GetRedisOptions();

        TanksMeterExporter.ExcludeFromGenericAdapter();
        builder.Services.AddHostedService<TanksMeterExporter>();
        builder.UseOrleans(silo =>
        {
            if (redis.IsConfigured)
            {
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis.ToConfigurationOptions());
                silo.AddRedisGrainStorage(StorageNames.Accounts,
                    o => o.ConfigurationOptions = StorageConnection(redis));
                silo.AddRedisGrainStorage(StorageNames.Battles,
                    o => o.ConfigurationOptions = StorageConnection(redis));
                silo.AddRedisMatchStore(StorageConnection(redis));
                ConfigureEndpoints(silo, cluster);
            }
            else
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
                if (cluster.ListenAddress is not "127.0.0.1")
                {
                    ListenOn(silo, cluster); // localhost clustering listens on loopback unless told otherwise
                }
                silo.AddMemoryGrainStorage(StorageNames.Accounts);
                silo.AddMemoryGrainStorage(StorageNames.Battles);
            }

            silo.AddTanksGrains();
            // The strongly consistent grain directory: when a silo dies, the survivors rebuild the directory partitions
            // it held from their own activations, so a battle alive on a surviving silo is never activated a second
            // time (with the default directory, a lost partition let a call create a duplicate; measured: one in three
            // silo kills restarted a battle that had not been on the dead silo).
#pragma warning disable ORLEANSEXP003 // experimental in Orleans 10; the default directory's duplicates are worse for battles
            silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
            // After a crash the directory holds the dead silo's grains back for this long, in case it still runs them
            // (a partition rather than a crash). Battles guard themselves against that (their checkpoints are etag
            // writes: a second activation makes the first stop), so the hold is kept short; the default held a lost
            // battle back ~6 s after its silo was declared dead.
            silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = TimeSpan.FromSeconds(1));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                // Detection of a dead silo in ~ProbeTimeout x NumMissedProbesLimit (docs/operations.md, "Membership timing").
                o.ProbeTimeout = cluster.ProbeTimeout;
                o.NumMissedProbesLimit = cluster.NumMissedProbesLimit;
                o.NumVotesForDeathDeclaration = cluster.NumVotesForDeathDeclaration;
            });

            silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.AddDashboard();
            silo.AddTanksCallFilters();
            silo.UseOrleansTls(builder.Configuration.GetOrleansTlsOptions()); // mutual TLS with the cluster's CA (off by default)
        });

        builder.Services.AddOptions<DrainOptions>().BindConfiguration(DrainOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<BattleDrainService>();
        var drain = builder.Configuration.GetSection(DrainOptions.SectionName).Get<DrainOptions>() ?? new DrainOptions();
        builder.Services.PostConfigure<HostOptions>(o =>
        {
            // The drain runs inside the host's shutdown budget: never less than the drain plus the Orleans stop.
            var needed = drain.DrainTimeout + DrainOptions.ShutdownAfterDrain;
            if (o.ShutdownTimeout < needed)
            {
                o.ShutdownTimeout = needed;
            }
        });
        builder.Services.AddHealthChecks().AddCheck<SiloReadyHealthCheck>("silo", tags: [Tanks.ServiceDefaults.Extensions.ReadyTag]);
        builder.Services.AddSingleton(CreateDashboardCredentials(builder.Configuration));
        builder.Services.AddAuthentication(BasicAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("dashboard", p => p.AddAuthenticationSchemes(BasicAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        builder.Services.AddBattleViewer();
        return builder;
    }

    /// <summary>Maps the dashboard (authenticated) and says, first thing, where data lives.</summary>
    public static WebApplication MapTanksSilo(this WebApplication app)
    {
        var redis = app.Configuration.GetRedisOptions();
        if (redis.IsConfigured)
        {
            LogRedisMode(app.Logger, redis.Describe());
        }
        else
        {
            LogEmbeddedMode(app.Logger);
        }

        var path = app.Configuration[$"{DashboardAuthOptions.SectionName}:Path"] ?? "/dashboard";
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOrleansDashboard(path).RequireAuthorization("dashboard");
        app.MapBattleViewer("dashboard"); // the same credentials as the dashboard
        app.MapGet("/", () => Results.Redirect(path)).ExcludeFromDescription();

        var credentials = app.Services.GetRequiredService<DashboardCredentials>();
        if (credentials.Generated)
        {
            // Printed once, on the console only, for a local run; configured credentials are never printed.
            app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(
                $"Orleans Dashboard: user '{credentials.Username}', generated password '{GeneratedPassword}' "
                + "(set Dashboard__Username and Dashboard__Password to choose your own)"));
        }

        return app;
    }

    /// <summary>
    /// Grain storage's Redis connection: a store that does not answer fails a call in 2 s (StackExchange.Redis waits 5 s
    /// by default), so grains answer <c>unavailable</c> inside the gateways' 5 s request timeout and a battle's outbox
    /// retries sooner. A timeout set in the connection string wins.
    /// </summary>
    private static ConfigurationOptions StorageConnection(RedisOptions redis)
    {
        var connectionString = redis.ConnectionString!;
        var options = redis.ToConfigurationOptions();
        if (!connectionString.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.AsyncTimeout = 2000;
        }

        if (!connectionString.Contains("syncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.SyncTimeout = 2000;
        }

        options.AbortOnConnectFail = false; // a silo that starts while Redis restarts keeps trying
        return options;
    }

    private static string GeneratedPassword { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12))
        .Replace('+', 'x').Replace('/', 'y');

    private static DashboardCredentials CreateDashboardCredentials(IConfiguration configuration)
    {
        var options = configuration.GetSection(DashboardAuthOptions.SectionName).Get<DashboardAuthOptions>() ?? new DashboardAuthOptions();
        var hasUser = !string.IsNullOrWhiteSpace(options.Username);
        var hasPassword = !string.IsNullOrWhiteSpace(options.Password);
        if (hasUser != hasPassword)
        {
            throw new TanksConfigurationException("Set both Dashboard:Username and Dashboard:Password, or neither (a local run then generates a password).");
        }

        if (hasPassword && options.Password!.Length < 8)
        {
            throw new TanksConfigurationException("Dashboard:Password must be at least 8 characters.");
        }

        return hasUser
            ? new DashboardCredentials(options.Username!, options.Password!, generated: false)
            : new DashboardCredentials("admin", GeneratedPassword, generated: true);
    }

    private static void ConfigureEndpoints(ISiloBuilder silo, Tanks.ServiceDefaults.ClusterOptions cluster)
    {
        // A malformed Cluster:ListenAddress is options validation's to report (exit code 2): listen anywhere meanwhile.
        var anyAddress = !IPAddress.TryParse(cluster.ListenAddress, out var listen);
        if (string.IsNullOrWhiteSpace(cluster.AdvertisedAddress))
        {
            // Listening on one address: that is the one to tell the others (loopback for a cluster on one machine).
            if (anyAddress)
            {
                silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
            }
            else
            {
                silo.ConfigureEndpoints(listen!, cluster.SiloPort, cluster.GatewayPort);
            }
        }
        else if (IPAddress.TryParse(cluster.AdvertisedAddress, out var address))
        {
            silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: anyAddress);
        }
        else
        {
            silo.ConfigureEndpoints(cluster.AdvertisedAddress, cluster.SiloPort, cluster.GatewayPort,
                System.Net.Sockets.AddressFamily.InterNetwork, listenOnAnyHostAddress: anyAddress);
        }

        if (!anyAddress)
        {
            ListenOn(silo, cluster);
        }
    }

    /// <summary>Both Orleans ports on <c>Cluster:ListenAddress</c>, whatever address is advertised.</summary>
    private static void ListenOn(ISiloBuilder silo, Tanks.ServiceDefaults.ClusterOptions cluster)
    {
        var listen = IPAddress.TryParse(cluster.ListenAddress, out var ip) ? ip : IPAddress.Any;
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloListeningEndpoint = new IPEndPoint(listen, cluster.SiloPort);
            o.GatewayListeningEndpoint = new IPEndPoint(listen, cluster.GatewayPort);
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "EMBEDDED MODE: no Redis configured (Redis__ConnectionString); localhost clustering and in-memory storage. Accounts and all data will NOT survive a restart.")]
    private static partial void LogEmbeddedMode(ILogger logger);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Redis mode: clustering and grain storage in Redis at {Redis} (accounts persist across restarts).")]
    private static partial void LogRedisMode(ILogger logger, string redis);
}
