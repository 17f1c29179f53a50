using System.ComponentModel.DataAnnotations;

namespace Tanks.Silo.Viewer;

/// <summary>
/// The live battle viewer (<c>/viewer/</c>, behind the dashboard's credentials): how many browsers it feeds and how
/// often. Bound from the <c>Viewer</c> section (e.g. <c>Viewer__MaxViewers</c>); validated at start-up.
/// </summary>
public sealed class ViewerOptions
{
    public const string SectionName = "Viewer";

    /// <summary>Off: no page, no endpoints (404).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Streams this silo serves at once, over all battles; one more is refused with 503.</summary>
    [Range(1, 1000)]
    public int MaxViewers { get; set; } = 32;

    /// <summary>Streams of one battle this silo serves at once; one more is refused with 503.</summary>
    [Range(1, 1000)]
    public int MaxViewersPerBattle { get; set; } = 8;

    /// <summary>Frames per second sent to a browser (at most the battle's tick rate; the rest are skipped).</summary>
    [Range(1, 60)]
    public int FrameRate { get; set; } = 10;

    /// <summary>Frames kept for a browser that reads slower than they come; older ones are dropped, never queued without bound.</summary>
    [Range(1, 64)]
    public int BufferedFrames { get; set; } = 4;

    /// <summary>Battles one list answers (the registry caps it again).</summary>
    [Range(1, 1000)]
    public int MaxListedBattles { get; set; } = 100;

    /// <summary>How long a battle list is reused for every browser that asks (so N browsers cost one round of calls).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ListCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the silo renews a watched battle's subscription (observers are not durable; the battle forgets one after 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:00:25")]
    public TimeSpan RenewPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
