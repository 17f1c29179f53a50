using Tanks.Protocol.Game;

namespace Tanks.Protocol.Snapshots;

/// <summary>
/// Encodes a world state for one client against the newest state it acknowledged and splits it into <c>Snapshot</c>
/// messages of at most 1200 bytes. Holds ~40 KB of buffers and no per-client state: keep one per sending thread and reuse
/// it for every client (the result is valid until the next <see cref="Encode(WorldState, WorldState?)"/>). No allocation.
/// </summary>
public sealed class SnapshotEncoder
{
    private readonly byte[] _encoded = new byte[SnapshotLimits.MaxEncodedBytes];
    private readonly byte[] _parts = new byte[SnapshotLimits.MaxParts * GameProtocol.MaxMessageBytes];
    private readonly int[] _partLengths = new int[SnapshotLimits.MaxParts];

    /// <param name="maxBaselineAge">Baselines further back than this many ticks are not used (1..<see cref="SnapshotLimits.MaxBaselineAge"/>).</param>
    public SnapshotEncoder(int maxBaselineAge = SnapshotLimits.MaxBaselineAge)
    {
        if (maxBaselineAge is < 1 or > SnapshotLimits.MaxBaselineAge)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBaselineAge), maxBaselineAge, "1..32");
        }
        MaxBaselineAge = maxBaselineAge;
    }

    public int MaxBaselineAge { get; }

    /// <summary>
    /// Encodes <paramref name="current"/> for a client whose newest ack is <paramref name="ack"/>: a delta against that tick
    /// if <paramref name="history"/> still holds it and it is 1..<see cref="MaxBaselineAge"/> ticks old, else a full snapshot.
    /// </summary>
    public EncodedSnapshot Encode(WorldState current, SnapshotHistory history, in SnapshotAck ack)
    {
        WorldState? baseline = null;
        if (ack.HasAck && history.TryGet(ack.Tick, out var acked))
        {
            baseline = acked;
        }
        return Encode(current, baseline);
    }

    /// <summary>Encodes against <paramref name="baseline"/>; null, not older than current, or too old → full snapshot.</summary>
    public EncodedSnapshot Encode(WorldState current, WorldState? baseline)
    {
        if (baseline is not null)
        {
            var age = current.Tick - baseline.Tick;
            if (age < 1 || age > MaxBaselineAge)
            {
                baseline = null;
            }
        }
        var length = DeltaCodec.Encode(current, baseline, _encoded);
        if (length < 0)
        {
            throw new InvalidOperationException("snapshot exceeds the encoder's buffer (limits of SnapshotLimits exceeded)");
        }
        var count = Math.Max(1, (length + SnapshotLimits.PartDataBytes - 1) / SnapshotLimits.PartDataBytes);
        var baselineAge = baseline is null ? (byte)0 : (byte)(current.Tick - baseline.Tick);
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            var start = i * SnapshotLimits.PartDataBytes;
            var data = _encoded.AsSpan(start, Math.Max(1, Math.Min(SnapshotLimits.PartDataBytes, length - start)));
            _partLengths[i] = SnapshotMessage.WritePart(
                _parts.AsSpan(i * GameProtocol.MaxMessageBytes, GameProtocol.MaxMessageBytes), current.Tick, baselineAge, i, count, data);
            total += _partLengths[i];
        }
        return new EncodedSnapshot(_parts, _partLengths.AsSpan(0, count), baselineAge, current.Tick, total);
    }
}

/// <summary>The <c>Snapshot</c> messages of one encode; valid until the encoder's next call.</summary>
public readonly ref struct EncodedSnapshot
{
    private readonly Span<byte> _parts;
    private readonly ReadOnlySpan<int> _lengths;

    internal EncodedSnapshot(Span<byte> parts, ReadOnlySpan<int> lengths, byte baselineAge, uint tick, int totalBytes)
    {
        _parts = parts;
        _lengths = lengths;
        BaselineAge = baselineAge;
        Tick = tick;
        TotalBytes = totalBytes;
    }

    public uint Tick { get; }

    /// <summary>0 = full snapshot.</summary>
    public byte BaselineAge { get; }

    public bool IsFull => BaselineAge == 0;

    /// <summary>Sum of the messages' lengths.</summary>
    public int TotalBytes { get; }

    public int PartCount => _lengths.Length;

    /// <summary>Message <paramref name="index"/>: one netcode payload (input ack 0).</summary>
    public ReadOnlySpan<byte> Part(int index) => Part(index, 0);

    /// <summary>
    /// Message <paramref name="index"/> for one client, with its input ack written into the header in place: clients that
    /// share an encoding differ only there. Valid until the next call on this encoding or the encoder.
    /// </summary>
    public ReadOnlySpan<byte> Part(int index, uint inputAck)
    {
        var part = _parts.Slice(index * GameProtocol.MaxMessageBytes, _lengths[index]);
        SnapshotMessage.SetInputAck(part, inputAck);
        return part;
    }
}
