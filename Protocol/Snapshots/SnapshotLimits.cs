namespace Tanks.Protocol.Snapshots;

/// <summary>Limits of the quantized world state and the delta codec (see docs/protocol.md).</summary>
public static class SnapshotLimits
{
    /// <summary>Most tanks in one world state.</summary>
    public const int MaxTanks = 64;

    /// <summary>Most shells in flight in one world state.</summary>
    public const int MaxShells = 256;

    /// <summary>A delta names a baseline at most this many ticks back (1.6 s at 20 Hz); older or unknown → full snapshot.</summary>
    public const int MaxBaselineAge = 32;

    /// <summary>Ticks kept by a <see cref="SnapshotHistory"/> by default (a power of two above <see cref="MaxBaselineAge"/>).</summary>
    public const int HistoryCapacity = 64;

    /// <summary>Message header of a snapshot part: type, version, tick u32, baseline age u8, part byte, input ack u32.</summary>
    public const int PartHeaderBytes = 12;

    /// <summary>Encoded bytes carried per part.</summary>
    public const int PartDataBytes = Game.GameProtocol.MaxMessageBytes - PartHeaderBytes;

    /// <summary>Most parts of one snapshot (4 bits on the wire).</summary>
    public const int MaxParts = 16;

    /// <summary>Largest encoded snapshot (before splitting).</summary>
    public const int MaxEncodedBytes = MaxParts * PartDataBytes;
}
