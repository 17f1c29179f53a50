using System.Diagnostics.CodeAnalysis;

namespace Tanks.Protocol.Snapshots;

/// <summary>
/// A fixed ring of world states by tick (slot = tick mod capacity), preallocated: storing copies into the slot, nothing
/// allocates. Server side it holds what was sent (one per battle serves all its clients: they all get the same states and
/// differ only in their acked baseline tick); client side what was decoded.
/// </summary>
public sealed class SnapshotHistory
{
    private readonly WorldState[] _states;
    private readonly bool[] _used;
    private readonly int _mask;

    public SnapshotHistory(int capacity = SnapshotLimits.HistoryCapacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a power of two ≥ 2");
        }
        _states = new WorldState[capacity];
        _used = new bool[capacity];
        _mask = capacity - 1;
        for (var i = 0; i < capacity; i++)
        {
            _states[i] = new WorldState();
        }
    }

    public int Capacity => _states.Length;

    /// <summary>True once anything was stored.</summary>
    public bool HasNewest { get; private set; }

    /// <summary>The highest tick stored (wrap-aware).</summary>
    public uint NewestTick { get; private set; }

    public WorldState? Newest => HasNewest && TryGet(NewestTick, out var s) ? s : null;

    /// <summary>Copies <paramref name="state"/> into its slot (evicting whatever tick held it) and returns the stored copy.</summary>
    public WorldState Store(WorldState state)
    {
        var slot = (int)(state.Tick & (uint)_mask);
        var stored = _states[slot];
        if (!ReferenceEquals(stored, state))
        {
            stored.CopyFrom(state);
        }
        _used[slot] = true;
        if (!HasNewest || (int)(state.Tick - NewestTick) > 0)
        {
            NewestTick = state.Tick;
            HasNewest = true;
        }
        return stored;
    }

    public bool TryGet(uint tick, [NotNullWhen(true)] out WorldState? state)
    {
        var slot = (int)(tick & (uint)_mask);
        if (_used[slot] && _states[slot].Tick == tick)
        {
            state = _states[slot];
            return true;
        }
        state = null;
        return false;
    }

    public bool Contains(uint tick) => TryGet(tick, out _);

    public void Clear()
    {
        Array.Clear(_used);
        HasNewest = false;
        NewestTick = 0;
    }
}
