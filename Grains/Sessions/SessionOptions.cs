using System.ComponentModel.DataAnnotations;

namespace Tanks.Grains.Sessions;

/// <summary>How battles run.</summary>
public sealed class SessionOptions
{
    public const string SectionName = "Sessions";

    /// <summary>Simulation ticks per second (and frames pushed to gateways per second).</summary>
    [Range(1, 60)]
    public int TickRate { get; set; } = 20;

    /// <summary>Battle length; Blitz-style 7 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromMinutes(7);

    /// <summary>Friendly fire (off in Blitz).</summary>
    public bool FriendlyFire { get; set; }

    /// <summary>
    /// How often a running battle stores its whole simulation state, so another silo resumes it when its own dies. At
    /// most this much game time is lost (plus the store's latency); each checkpoint is one storage write of ~1.4 KB for 14 tanks.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two attempts to store an ended battle's results (doubling from 1 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ResultRetryMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an ended battle's grain lingers so late gateway calls get a clean answer.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan LingerAfterEnd { get; set; } = TimeSpan.FromSeconds(10);
}
