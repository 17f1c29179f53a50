using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Tanks.Silo;

/// <summary>Ready when this silo is an active member of the cluster (joined, not shutting down).</summary>
public sealed class SiloReadyHealthCheck(IClusterMembershipService membership, ILocalSiloDetails local) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {local.SiloAddress} is active")
            : HealthCheckResult.Unhealthy($"silo {local.SiloAddress} is {status}"));
    }
}
