using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;
using Tanks.Grains.Sessions;

namespace Tanks.Silo;

/// <summary>Ready when this silo is an active member of the cluster (joined, not shutting down, not draining).</summary>
public sealed class SiloReadyHealthCheck(IClusterMembershipService membership, ILocalSiloDetails local, SiloBattles battles) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (battles.Draining)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"silo {local.SiloAddress} is draining ({battles.Count} battles left)"));
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {local.SiloAddress} is active")
            : HealthCheckResult.Unhealthy($"silo {local.SiloAddress} is {status}"));
    }
}
