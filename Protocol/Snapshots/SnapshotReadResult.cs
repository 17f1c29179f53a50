namespace Tanks.Protocol.Snapshots;

/// <summary>The verdict of reading a world state or a snapshot message; everything but Ok/Incomplete/Duplicate/Stale means "hostile or broken".</summary>
public enum SnapshotReadResult
{
    /// <summary>A new state was decoded.</summary>
    Ok = 0,

    /// <summary>A part of a split snapshot was stored; the others are still missing.</summary>
    Incomplete,

    /// <summary>This tick was decoded already (a duplicated packet); ignored.</summary>
    Duplicate,

    /// <summary>Older than the receiver's window; ignored.</summary>
    Stale,

    /// <summary>The snapshot is a delta against a tick this side does not have (lost or evicted); ignored.</summary>
    BaselineMissing,

    /// <summary>The named baseline is further back than <see cref="SnapshotLimits.MaxBaselineAge"/>.</summary>
    BaselineTooOld,

    /// <summary>Not a well-formed <c>Snapshot</c> message (type, version, length, part numbering).</summary>
    BadMessage,

    /// <summary>The data ended before the state was complete.</summary>
    Truncated,

    /// <summary>Values out of range: too many tanks or shells, bad indexes, duplicate or unsorted ids, trailing garbage.</summary>
    Malformed,
}
