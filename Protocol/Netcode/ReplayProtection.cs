namespace Tanks.Protocol.Netcode;

/// <summary>
/// The 256-entry replay window of one connection, as the reference implements it for keep-alive, payload and
/// disconnect packets: check <see cref="IsAlreadyReceived"/> before decrypting, <see cref="Advance"/> after.
/// One deviation: the reference marks an empty slot with UINT64_MAX, so it accepts sequence 2^64-1 twice;
/// this window keeps emptiness separately and rejects the duplicate, as STANDARD.md requires.
/// Not thread-safe: one connection's packets are read by one thread at a time.
/// </summary>
public sealed class ReplayProtection
{
    private const int Size = NetcodeConstants.ReplayProtectionBufferSize;

    private readonly ulong[] _received = new ulong[Size];
    private readonly bool[] _filled = new bool[Size];
    private ulong _mostRecent;

    /// <summary>Creates an empty window.</summary>
    public ReplayProtection() => Reset();

    /// <summary>The highest sequence advanced so far (0 when empty).</summary>
    public ulong MostRecentSequence => _mostRecent;

    /// <summary>Empties the window (a new connection in the slot).</summary>
    public void Reset()
    {
        _mostRecent = 0;
        Array.Fill(_received, ulong.MaxValue);
        Array.Clear(_filled);
    }

    /// <summary>True when the sequence is older than the window or its slot holds it or something newer.</summary>
    public bool IsAlreadyReceived(ulong sequence)
    {
        // Subtraction side, so sequences near 2^64 cannot overflow (IMPLEMENTERS.md §1).
        if (_mostRecent >= Size && sequence <= _mostRecent - Size)
        {
            return true;
        }

        var index = (int)(sequence % Size);
        return _filled[index] && _received[index] >= sequence;
    }

    /// <summary>Marks the sequence received; call only after the packet authenticated.</summary>
    public void Advance(ulong sequence)
    {
        if (sequence > _mostRecent)
        {
            _mostRecent = sequence;
        }

        var index = (int)(sequence % Size);
        _received[index] = sequence;
        _filled[index] = true;
    }
}
