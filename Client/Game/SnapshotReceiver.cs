using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Client.Game;

/// <summary>
/// The client's end of the snapshot stream: feed it every <c>Snapshot</c> payload (<see cref="Receive"/>); it reassembles
/// split snapshots, decodes deltas against the states it keeps by tick, and exposes the newest state and the tick to put
/// into <c>Input.LastSnapshotTick</c> (<see cref="AckTick"/>). Lost, late, duplicated or hostile packets never change a
/// stored state: a snapshot either decodes completely against the exact baseline it names, or is dropped with a verdict.
/// Fixed buffers; no allocation per payload.
/// </summary>
public sealed class SnapshotReceiver
{
    private const int AssemblySlots = 4;

    private readonly SnapshotHistory _history;
    private readonly uint[] _inputAcks;
    private readonly WorldState _scratch = new();
    private readonly Assembly[] _assemblies = new Assembly[AssemblySlots];
    private long _assemblyClock;

    public SnapshotReceiver(int historyCapacity = SnapshotLimits.HistoryCapacity)
    {
        if (historyCapacity <= SnapshotLimits.MaxBaselineAge)
        {
            throw new ArgumentOutOfRangeException(nameof(historyCapacity), historyCapacity, "must exceed the baseline window (32)");
        }
        _history = new SnapshotHistory(historyCapacity);
        _inputAcks = new uint[historyCapacity];
        for (var i = 0; i < AssemblySlots; i++)
        {
            _assemblies[i] = new Assembly();
        }
    }

    /// <summary>Decoded states by tick (the baselines deltas refer to).</summary>
    public SnapshotHistory History => _history;

    /// <summary>The newest decoded state, or null before the first.</summary>
    public WorldState? Latest => _history.Newest;

    /// <summary>The ack for the next <c>Input</c>: newest decoded tick, or <see cref="InputMessage.NoSnapshot"/>.</summary>
    public uint AckTick => _history.HasNewest ? _history.NewestTick : InputMessage.NoSnapshot;

    /// <summary>
    /// The input ack of the newest decoded snapshot (<see cref="Latest"/>): the state of that tick reflects every
    /// <c>Input</c> of this client up to this sequence (0 = none applied yet). Inputs after it are the ones a predicting
    /// client replays on top of that state.
    /// </summary>
    public uint LatestInputAck => _history.HasNewest ? _inputAcks[_history.NewestTick % (uint)_inputAcks.Length] : 0;

    /// <summary>The input ack that came with the snapshot of <paramref name="tick"/>; false if that tick is not held.</summary>
    public bool TryGetInputAck(uint tick, out uint inputAck)
    {
        inputAck = 0;
        if (!_history.Contains(tick))
        {
            return false;
        }
        inputAck = _inputAcks[tick % (uint)_inputAcks.Length];
        return true;
    }

    /// <summary>The tick of the state the last <see cref="SnapshotReadResult.Ok"/> decoded (it may be older than <see cref="Latest"/> if it arrived late).</summary>
    public uint LastDecodedTick { get; private set; }

    /// <summary>Counters for diagnostics.</summary>
    public int Decoded { get; private set; }
    public int Dropped { get; private set; }

    public bool TryGetState(uint tick, out WorldState state)
    {
        if (_history.TryGet(tick, out var s))
        {
            state = s;
            return true;
        }
        state = null!;
        return false;
    }

    /// <summary>Forgets every state (a new battle).</summary>
    public void Reset()
    {
        _history.Clear();
        foreach (var a in _assemblies)
        {
            a.Clear();
        }
    }

    /// <summary>Processes one <c>Snapshot</c> payload (type byte included). Never throws on hostile bytes.</summary>
    public SnapshotReadResult Receive(ReadOnlySpan<byte> payload)
    {
        var result = ReceiveCore(payload);
        if (result == SnapshotReadResult.Ok)
        {
            Decoded++;
        }
        else if (result != SnapshotReadResult.Incomplete)
        {
            Dropped++;
        }
        return result;
    }

    private SnapshotReadResult ReceiveCore(ReadOnlySpan<byte> payload)
    {
        if (SnapshotMessage.TryRead(payload, out var part) != GameMessageReadResult.Ok)
        {
            return SnapshotReadResult.BadMessage;
        }
        if (_history.HasNewest && (int)(_history.NewestTick - part.Tick) > SnapshotLimits.MaxBaselineAge)
        {
            return SnapshotReadResult.Stale;
        }
        if (_history.Contains(part.Tick))
        {
            return SnapshotReadResult.Duplicate;
        }
        if (part.PartCount == 1)
        {
            return Decode(part.Tick, part.BaselineAge, part.Data, part.InputAck);
        }

        var assembly = FindAssembly(part.Tick, part.BaselineAge, part.PartCount);
        var bit = 1 << part.PartIndex;
        if ((assembly.Received & bit) != 0)
        {
            return SnapshotReadResult.Duplicate;
        }
        part.Data.CopyTo(assembly.Buffer.AsSpan(part.PartIndex * SnapshotLimits.PartDataBytes));
        assembly.Received |= bit;
        if (part.PartIndex == part.PartCount - 1)
        {
            assembly.Length = part.PartIndex * SnapshotLimits.PartDataBytes + part.Data.Length;
        }
        if (assembly.Received != (1 << part.PartCount) - 1)
        {
            return SnapshotReadResult.Incomplete;
        }
        var result = Decode(assembly.Tick, assembly.BaselineAge, assembly.Buffer.AsSpan(0, assembly.Length), part.InputAck);
        assembly.Clear();
        return result;
    }

    private Assembly FindAssembly(uint tick, byte baselineAge, int count)
    {
        Assembly? oldest = null;
        foreach (var a in _assemblies)
        {
            if (a.InUse && a.Tick == tick)
            {
                if (a.BaselineAge == baselineAge && a.Count == count)
                {
                    return a;
                }
                oldest = a; // same tick, different encoding: start over in this slot
                break;
            }
            if (oldest is null || !a.InUse || (oldest.InUse && a.Stamp < oldest.Stamp))
            {
                oldest = a;
            }
        }
        oldest!.Start(tick, baselineAge, count, ++_assemblyClock);
        return oldest;
    }

    private SnapshotReadResult Decode(uint tick, byte baselineAge, ReadOnlySpan<byte> data, uint inputAck)
    {
        WorldState? baseline = null;
        if (baselineAge != 0)
        {
            if (baselineAge > SnapshotLimits.MaxBaselineAge)
            {
                return SnapshotReadResult.BaselineTooOld;
            }
            if (!_history.TryGet(tick - baselineAge, out baseline))
            {
                return SnapshotReadResult.BaselineMissing;
            }
        }
        var result = DeltaCodec.Decode(data, tick, baseline, _scratch);
        if (result != SnapshotReadResult.Ok)
        {
            return result;
        }
        _history.Store(_scratch);
        _inputAcks[tick % (uint)_inputAcks.Length] = inputAck;
        LastDecodedTick = tick;
        return SnapshotReadResult.Ok;
    }

    private sealed class Assembly
    {
        public readonly byte[] Buffer = new byte[SnapshotLimits.MaxEncodedBytes];
        public bool InUse;
        public uint Tick;
        public byte BaselineAge;
        public int Count;
        public int Received;
        public int Length;
        public long Stamp;

        public void Start(uint tick, byte baselineAge, int count, long stamp)
        {
            InUse = true;
            Tick = tick;
            BaselineAge = baselineAge;
            Count = count;
            Received = 0;
            Length = 0;
            Stamp = stamp;
        }

        public void Clear() => InUse = false;
    }
}
