using System.Net;
using Orleans.Configuration;
using Tanks.ServiceDefaults;

namespace Tanks.Gateway.Udp.Extensions;

public static class ClusterClientExtensions
{
    /// <summary>
    /// The Orleans client of the game layer, configured exactly as Gateway.Tcp's (<c>AddAccountsClient</c>): Redis
    /// clustering when configured, else the silo's gateway at <c>Cluster:GatewayHost:GatewayPort</c>; it keeps retrying
    /// while the silo boots.
    /// </summary>
    public static WebApplicationBuilder AddClusterClient(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetClusterOptions();
        var redis = builder.Configuration.GetRedisOptions();
        builder.UseOrleansClient(client =>
        {
            if (redis.IsConfigured)
            {
                client.UseRedisClustering(redis.ConnectionString!);
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
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                return !cancellationToken.IsCancellationRequested;
            });
        });
        return builder;
    }
}
