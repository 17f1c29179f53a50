using Tanks.Protocol.Snapshots;

namespace Tanks.Protocol.Game;

/// <summary>
/// Server → client <c>Snapshot</c> part: <c>83 02 tick:u32 baselineAge:u8 part:u8 inputAck:u32 data</c>. Baseline age 0 = full
/// snapshot, else the data is a delta against tick − age (1..255 on the wire; receivers refuse more than
/// <see cref="SnapshotLimits.MaxBaselineAge"/>). Part byte = index &lt;&lt; 4 | (count − 1): up to 16 parts; every part but
/// the last carries exactly <see cref="SnapshotLimits.PartDataBytes"/> (1188) bytes of the encoded snapshot, so the
/// receiver concatenates the data of parts 0..count−1 and decodes once all have arrived. Input ack: the sequence of the
/// newest <c>Input</c> of the receiving client that the state of this tick reflects (0 = none yet); every part of a tick
/// carries the same value.
/// </summary>
public static class SnapshotMessage
{
    public const int HeaderBytes = SnapshotLimits.PartHeaderBytes;

    public static int WritePart(
        Span<byte> destination, uint tick, byte baselineAge, int index, int count, ReadOnlySpan<byte> data, uint inputAck = 0)
    {
        if (count is < 1 or > SnapshotLimits.MaxParts || (uint)index >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), "1..16 parts, index < count");
        }
        if (data.Length is 0 or > SnapshotLimits.PartDataBytes || (index < count - 1 && data.Length != SnapshotLimits.PartDataBytes))
        {
            throw new ArgumentException("1..1188 bytes per part, exactly 1188 in every part but the last", nameof(data));
        }
        var size = HeaderBytes + data.Length;
        GameProtocol.WriteHeader(destination, GameMessageType.Snapshot, size);
        GameProtocol.U32(destination, 2, tick);
        destination[6] = baselineAge;
        destination[7] = (byte)(index << 4 | (count - 1));
        GameProtocol.U32(destination, 8, inputAck);
        data.CopyTo(destination[HeaderBytes..]);
        return size;
    }

    /// <summary>Overwrites the input ack of a written part in place (the gateway shares one encoding among clients).</summary>
    public static void SetInputAck(Span<byte> part, uint inputAck) => GameProtocol.U32(part, 8, inputAck);

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out SnapshotPartView part)
    {
        part = default;
        var result = GameProtocol.Check(payload, GameMessageType.Snapshot, HeaderBytes + 1);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        var index = payload[7] >> 4;
        var count = (payload[7] & 0x0F) + 1;
        if (index >= count)
        {
            return GameMessageReadResult.BadValue;
        }
        var data = payload[HeaderBytes..];
        if (index < count - 1 && data.Length != SnapshotLimits.PartDataBytes)
        {
            return GameMessageReadResult.BadLength;
        }
        part = new SnapshotPartView(GameProtocol.U32(payload, 2), payload[6], index, count, GameProtocol.U32(payload, 8), data);
        return GameMessageReadResult.Ok;
    }
}

/// <summary>A validated snapshot part, read in place.</summary>
public readonly ref struct SnapshotPartView
{
    internal SnapshotPartView(uint tick, byte baselineAge, int partIndex, int partCount, uint inputAck, ReadOnlySpan<byte> data)
    {
        InputAck = inputAck;
        Tick = tick;
        BaselineAge = baselineAge;
        PartIndex = partIndex;
        PartCount = partCount;
        Data = data;
    }

    public uint Tick { get; }

    /// <summary>0 for a full snapshot.</summary>
    public byte BaselineAge { get; }

    public bool IsFull => BaselineAge == 0;

    public uint BaselineTick => Tick - BaselineAge;

    public int PartIndex { get; }

    public int PartCount { get; }

    /// <summary>
    /// The sequence of the receiving client's newest <c>Input</c> that the server applied at or before this tick (0 = none
    /// yet): the state of this tick reflects every input up to it.
    /// </summary>
    public uint InputAck { get; }

    public ReadOnlySpan<byte> Data { get; }
}
