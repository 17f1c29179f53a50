using System.Net;
using NSec.Cryptography;
using Tanks.Gateway.Udp.Payloads;
using Tanks.Protocol.Netcode;

namespace Tanks.Gateway.Udp.Server;

/// <summary>
/// One client slot. Created on first use and reused for later clients (its replay window is reset), so memory
/// follows the peak of connected clients, never the packets. Every field is guarded by <c>lock (slot)</c>.
/// </summary>
internal sealed class ClientSlot(int index)
{
    public readonly int Index = index;
    public readonly ReplayProtection Replay = new();

    public bool Active;
    public bool Confirmed;
    public uint Generation;
    public ulong ClientId;
    public NetcodeAddress Address;
    public SocketAddress? SocketAddress;
    public int SocketIndex;
    public Key? ReadKey;
    public Key? SendKey;
    public ulong Sequence;
    public long LastReceiveTicks;
    public long LastSendTicks;

    /// <summary>Stopwatch ticks of silence before a timeout; 0 = never (token timeout &lt;= 0).</summary>
    public long TimeoutTicks;

    public UdpConnection Connection => new(Index, Generation, ClientId, Address);

    /// <summary>Forgets the client: keys disposed, window reset. The caller removes it from the indexes.</summary>
    public void Clear()
    {
        Active = false;
        Confirmed = false;
        Generation++;
        ReadKey?.Dispose();
        SendKey?.Dispose();
        ReadKey = null;
        SendKey = null;
        SocketAddress = null;
        Replay.Reset();
        Sequence = 0;
    }
}

/// <summary>
/// An encryption mapping for an address that sent a valid request but is not connected yet (the reference's
/// encryption manager entry). Guarded by the gateway's handshake lock.
/// </summary>
internal sealed class PendingConnection : IDisposable
{
    public required Key ReadKey { get; init; }

    public required Key SendKey { get; init; }

    /// <summary>The client-to-server key bytes, to tell a repeated request (same token) from a new token.</summary>
    public required byte[] ReadKeyBytes { get; init; }

    public int TimeoutSeconds { get; init; }

    public long LastAccessTicks { get; set; }

    /// <summary>Stopwatch ticks after which the mapping is dropped if still unconnected.</summary>
    public long ExpireTicks { get; set; }

    /// <summary>Set when ownership of the keys moved to a slot.</summary>
    public bool KeysMoved { get; set; }

    public void Dispose()
    {
        if (!KeysMoved)
        {
            ReadKey.Dispose();
            SendKey.Dispose();
        }
    }
}

/// <summary>
/// The standard's "connect token entries": each private token MAC seen, with the address that used it first and
/// the token's expiry. A MAC arriving from another address is a stolen or replayed token and is ignored.
/// Bounded; expired entries are pruned by the logic loop. Guarded by the gateway's handshake lock.
/// </summary>
internal sealed class TokenHistory(int capacity)
{
    private readonly Dictionary<UInt128, Entry> _entries = new(Math.Min(capacity, 4096));

    public int Count => _entries.Count;

    /// <summary>True when the token may be used from <paramref name="address"/> (first use, or the same address again).</summary>
    public bool TryUse(ReadOnlySpan<byte> mac, NetcodeAddress address, ulong expireTimestamp)
    {
        var key = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(mac);
        if (_entries.TryGetValue(key, out var entry))
        {
            return entry.Address == address;
        }

        if (_entries.Count >= capacity)
        {
            return false; // full of live tokens: refuse rather than forget one (forgetting would re-open reuse)
        }

        _entries.Add(key, new Entry(address, expireTimestamp));
        return true;
    }

    /// <summary>Drops entries whose token has expired (they can never be used again anyway).</summary>
    public void Prune(ulong unixNow)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpireTimestamp <= unixNow)
            {
                _entries.Remove(key);
            }
        }
    }

    private readonly record struct Entry(NetcodeAddress Address, ulong ExpireTimestamp);
}
