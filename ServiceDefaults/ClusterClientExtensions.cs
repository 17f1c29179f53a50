using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Tanks.ServiceDefaults;

public static class ClusterClientExtensions
{
    /// <summary>
    /// The gateways' Orleans client: Redis clustering when <c>Redis:ConnectionString</c> is set, else the silo's gateway
    /// at <c>Cluster:GatewayHost:GatewayPort</c>. It keeps retrying while the silo boots instead of failing the process.
    /// </summary>
    public static WebApplicationBuilder AddClusterClient(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetClusterOptions();
        var redis = builder.Configuration.GetRedisOptions();
        builder.UseOrleansClient(client =>
        {
            if (redis.IsConfigured)
            {
                client.UseRedisClustering(o => o.ConfigurationOptions = redis.ToConfigurationOptions());
            }
            else
            {
                var addresses = IPAddress.TryParse(cluster.GatewayHost, out var ip) ? [ip] : Dns.GetHostAddresses(cluster.GatewayHost);
                client.UseStaticClustering(addresses.Select(a => new IPEndPoint(a, cluster.GatewayPort)).ToArray());
            }

            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            client.UseOrleansTls(builder.Configuration.GetOrleansTlsOptions()); // mutual TLS with the cluster's CA (off by default)
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                return !cancellationToken.IsCancellationRequested;
            });
        });
        return builder;
    }
}
