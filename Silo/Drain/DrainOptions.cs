using System.ComponentModel.DataAnnotations;

namespace Tanks.Silo.Drain;

/// <summary>How a silo stops (SIGTERM): the budget for moving its battles away before it leaves the cluster.</summary>
public sealed class DrainOptions
{
    public const string SectionName = "Silo";

    /// <summary>
    /// The longest a stopping silo spends moving its battles to other silos (or, as the last silo, ending them). The Helm
    /// chart's terminationGracePeriodSeconds must exceed it plus the Orleans shutdown (~10 s): the chart derives it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>What the host allows the Orleans shutdown after the drain (leaving membership, deactivating the rest).</summary>
    public static TimeSpan ShutdownAfterDrain { get; } = TimeSpan.FromSeconds(10);
}
